import type { Clock } from "../clock";
import { realModule } from "./node-runtime";

/**
 * Where the host publishes its clock for the app it runs: a slot on Node's real `Module` class,
 * the one object the host and the app (loaded through Node's own module system, even under jest)
 * both see. An app that wants the host's time reads `Symbol.for("aksops.localHost.clock")` there
 * (functions/runtime/clock.ts); in Azure nothing sets it and the app uses wall time. With a virtual
 * clock, records and token expiry then agree with durable timers and the simulator.
 */
export const HOST_CLOCK_SLOT = Symbol.for("aksops.localHost.clock");

type ModuleWithClock = ReturnType<typeof realModule> & { [HOST_CLOCK_SLOT]?: Clock };

/** Publishes `clock`; the returned function withdraws it if it is still the published one. */
export function publishHostClock(clock: Clock): () => void {
  const target = realModule() as ModuleWithClock;
  target[HOST_CLOCK_SLOT] = clock;
  return () => {
    if (target[HOST_CLOCK_SLOT] === clock) delete target[HOST_CLOCK_SLOT];
  };
}
