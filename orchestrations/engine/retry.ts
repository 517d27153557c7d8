/**
 * The one durable retry policy: how long to wait before retry number `n` (doubling from the first
 * delay up to the cap, deterministic: no jitter in orchestrators) and when to stop (after so many
 * retries, once a time budget since the first attempt would be passed, or at a deadline). Every
 * durable retry loop (an activity's throttling, a Teams post, a queued cluster lock, a step's 409
 * conflict) waits on timers by one of the policies below; none keeps constants of its own.
 */
import type { PollingPolicy } from "./plan";

export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Stop once the next attempt would come later than this after the first one. */
  budgetMs?: number;
  /** Stop after this many retries. */
  maxRetries?: number;
}

/** Half an hour of retries for an activity: ARM's throttling windows and a Cosmos partition's 429 bursts are far shorter. */
export const activityRetry: RetryPolicy = { budgetMs: 30 * 60_000, firstDelayMs: 5_000, maxDelayMs: 5 * 60_000 };

/** A throttled or failing Teams webhook: from 10 s to every 10 minutes (the caller's deadline ends it). */
export const teamsRetry: RetryPolicy = { firstDelayMs: 10_000, maxDelayMs: 10 * 60_000 };

/**
 * A queued operation asks for the cluster's lock again after a minute at first, backing off to
 * every ten minutes, so an operation queued behind one that waits a day for an approval costs a few
 * hundred checks, not thousands. The holder releases in a `finally`, so the wait is bounded by its work.
 */
export const lockRetry: RetryPolicy = { firstDelayMs: 60_000, maxDelayMs: 10 * 60_000 };

/** 409 OperationNotAllowed on a step's start (an out-of-band operation holds the cluster): the plan's own numbers. */
export function conflictRetryOf(polling: Pick<PollingPolicy, "maxConflictRetries" | "conflictBaseDelayMs" | "conflictMaxDelayMs">): RetryPolicy {
  return { firstDelayMs: polling.conflictBaseDelayMs, maxDelayMs: polling.conflictMaxDelayMs, maxRetries: polling.maxConflictRetries };
}

/** The wait before retry `retry` (0-based): first delay × 2^retry, capped. */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, retry));
}

/**
 * Whether retry `retry` (0-based), waiting `delayMs` from `nowMs`, is still allowed: within the
 * policy's retries and budget (counted from `firstAtMs`), and before `deadlineMs` when there is one.
 */
export function mayRetry(policy: RetryPolicy, retry: number, at: { firstAtMs: number; nowMs: number; delayMs: number; deadlineMs?: number }): boolean {
  if (policy.maxRetries !== undefined && retry >= policy.maxRetries) return false;
  if (policy.budgetMs !== undefined && at.nowMs + at.delayMs - at.firstAtMs > policy.budgetMs) return false;
  return at.deadlineMs === undefined || at.nowMs + at.delayMs < at.deadlineMs;
}
