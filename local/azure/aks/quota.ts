/**
 * The vCPUs AKS asks Compute for before it adds nodes (a create, a scale-up, a new pool, an
 * upgrade's surge nodes), checked against the subscription's quota in the cluster's region
 * (../compute: checkVcpuQuota, with AKS's errors and their sources).
 */
import type { SimKernel } from "../kernel";
import { checkVcpuQuota } from "../compute";
import { clusterNameOf, resourceGroupOf } from "./ids";
import { surgeOf, type PoolProperties } from "./model";

interface Need { vmSize: string; nodes: number }

function sizes(p: Pick<PoolProperties, "count" | "vmSize"> & Record<string, unknown>): Need[] {
  const status = Array.isArray(p.virtualMachineNodesStatus) ? (p.virtualMachineNodesStatus as { size?: unknown; count?: unknown }[]) : [];
  if (p.type === "VirtualMachines" && status.length > 0) {
    return status.map((x) => ({ vmSize: typeof x.size === "string" ? x.size : "", nodes: typeof x.count === "number" ? x.count : 0 }));
  }
  return [{ vmSize: p.vmSize, nodes: p.count }];
}

/** Nodes a pool change adds: the new sizes' counts beyond the old ones. */
export function addedNodes(next: PoolProperties, previous?: PoolProperties): Need[] {
  const before = previous ? sizes(previous) : [];
  return sizes(next).map((n) => ({ vmSize: n.vmSize, nodes: n.nodes - (before.find((b) => b.vmSize.toLowerCase() === n.vmSize.toLowerCase())?.nodes ?? 0) })).filter((n) => n.nodes > 0);
}

/** The surge nodes a rolling upgrade of the pool adds while it runs. */
export function surgeNodes(props: PoolProperties): Need[] {
  return [{ vmSize: props.vmSize, nodes: surgeOf(props) }];
}

export function checkQuota(kernel: SimKernel, clusterId: string, location: string, needs: Need[]): void {
  const sub = /\/subscriptions\/([^/]+)/i.exec(clusterId)?.[1] ?? "";
  checkVcpuQuota(kernel, sub, location, clusterNameOf(clusterId), resourceGroupOf(clusterId), needs);
}
