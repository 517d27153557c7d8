/**
 * Waiting, replay-safely: behind ARM's throttling, and a per-cluster stagger so a fleet whose windows open at the same minute does not hit ARM at once.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { timerAfter } from "../common/time";
import type { ArmRead, ArmReadDone } from "./contracts";

/** A stable 32-bit hash (FNV-1a): the same cluster always gets the same offset, on every replay. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A deterministic spread in [0, spanMs): jitter without randomness (orchestrators may not use Math.random). */
export function spreadMs(key: string, spanMs: number): number {
  return spanMs <= 0 ? 0 : stableHash(key) % Math.max(1, Math.floor(spanMs));
}

/** Throttled reads are retried this many times before the cluster is given up on for this window. */
const MAX_THROTTLED_RETRIES = 20;

export class ArmThrottledTooLongError extends Error {
  constructor(readonly activity: string, readonly attempts: number) {
    super(`${activity} was throttled by ARM ${attempts} times in a row`);
    this.name = "ArmThrottledTooLongError";
  }
}

/**
 * Calls an ARM-reading activity; a 429 comes back as `throttled` (the activity's client does not
 * sleep: in Azure that would hold a worker, locally it would sleep on wall time while virtual time
 * stands still). The orchestration waits Retry-After plus a per-instance spread on a durable timer,
 * so throttled callers do not all return in the same second.
 */
export function* readWithThrottling<T>(
  context: OrchestrationContext,
  activity: string,
  input: unknown
): Generator<Task, ArmReadDone<T>, unknown> {
  for (let attempt = 0; ; attempt++) {
    const read = yield* call<ArmRead<T>>(context, activity, input);
    if (read.outcome !== "throttled") return read;
    if (attempt >= MAX_THROTTLED_RETRIES) throw new ArmThrottledTooLongError(activity, attempt + 1);
    yield timerAfter(context, read.retryAfterMs + spreadMs(`${context.df.instanceId}:${attempt}`, 30_000 * (attempt + 1)));
  }
}

