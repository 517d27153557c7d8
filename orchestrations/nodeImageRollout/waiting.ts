/**
 * Waiting, replay-safely: behind ARM's throttling, behind the cluster lock (with a deadline), and a
 * per-cluster stagger so a fleet whose windows open at the same minute does not hit ARM at once.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import type { LockAttempt } from "../common/contracts";
import type { LockRequest } from "../common/clusterLock";
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
    const read = (yield context.df.callActivity(activity, input)) as ArmRead<T>;
    if (read.outcome !== "throttled") return read;
    if (attempt >= MAX_THROTTLED_RETRIES) throw new ArmThrottledTooLongError(activity, attempt + 1);
    yield timerAfter(context, read.retryAfterMs + spreadMs(`${context.df.instanceId}:${attempt}`, 30_000 * (attempt + 1)));
  }
}

export type LockOutcome = { acquired: true } | { acquired: false; holder?: string };

/** First wait behind the lock; it doubles up to the cap, so a day-long queue costs a few dozen events, not 1,440. */
const LOCK_FIRST_WAIT_MS = 60_000;
const LOCK_MAX_WAIT_MS = 15 * 60_000;

/**
 * The shared cluster lock (one platform operation per cluster: AKS answers 409 to a second), with
 * a deadline: a node-image upgrade queued behind a long Kubernetes upgrade must not start a pool
 * after its maintenance window closes, so it leaves the queue at the deadline and reports who held
 * the cluster. Without a deadline (a manual start) it waits as long as it takes.
 */
export function* acquireLockBefore(
  context: OrchestrationContext,
  request: LockRequest,
  deadline: number | undefined,
  onQueued: (attempt: LockAttempt) => Generator<Task, void, unknown>
): Generator<Task, LockOutcome, unknown> {
  let reportedQueued = false;
  let wait = LOCK_FIRST_WAIT_MS;
  for (;;) {
    const attempt = (yield context.df.callActivity(ActivityNames.tryAcquireClusterLock, request)) as LockAttempt;
    if (attempt.acquired) return { acquired: true };
    if (!reportedQueued) {
      reportedQueued = true;
      yield* onQueued(attempt);
    }
    const next = context.df.currentUtcDateTime.getTime() + wait;
    if (deadline !== undefined && next >= deadline) {
      // Leave the queue so the holder's successor is not this abandoned request.
      yield context.df.callActivity(ActivityNames.releaseClusterLock, request);
      return { acquired: false, holder: attempt.holder };
    }
    yield timerAfter(context, wait);
    wait = Math.min(wait * 2, LOCK_MAX_WAIT_MS);
  }
}
