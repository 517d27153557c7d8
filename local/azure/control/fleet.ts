import type { AksFleet } from "../aks";
import { AKS_SERVICE } from "../aks";
import type { SimKernel } from "../kernel";

/**
 * `GET /_sim/fleet`: every managed cluster with its version, power state and per-pool node health
 * (Ready / NotReady / surge, rolling), the simulated truth behind the ARM view; handy in the demo.
 */
export function registerFleetControl(kernel: SimKernel): void {
  kernel.router.control("GET", "/_sim/fleet", () => {
    const fleet = kernel.service<AksFleet>(AKS_SERVICE);
    return { status: 200, body: { now: new Date(kernel.clock.now()).toISOString(), clusters: fleet?.clusters() ?? [] } };
  });
}
