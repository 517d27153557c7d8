import Module from "node:module";
import type { NowSource } from "../../shared/store";

/**
 * Where the local host publishes its clock for the app (local/host/clock-slot.ts): a slot on Node's
 * `Module` class. With a virtual clock in tests, records, token expiry and metric windows then use
 * the same time as the durable timers and the Azure simulator. In Azure nothing sets it: wall time.
 */
export const HOST_CLOCK_SLOT = Symbol.for("aksops.localHost.clock");

type ModuleWithClock = typeof Module & { [HOST_CLOCK_SLOT]?: NowSource };

export function appClock(mode: "local" | "azure"): NowSource {
  const published = (Module as ModuleWithClock)[HOST_CLOCK_SLOT];
  if (mode === "local" && published) return { now: () => published.now() };
  return { now: () => Date.now() };
}
