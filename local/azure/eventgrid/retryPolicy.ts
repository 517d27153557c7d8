/**
 * Event Grid's delivery retry policy, as documented in "Event Grid message delivery and retry"
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry):
 * - retries on a fixed schedule: 10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h, 6 h, then every
 *   12 h up to 24 h (Event Grid adds a small randomisation; the simulator does not, so tests are exact);
 * - stops at whichever comes first of `maxDeliveryAttempts` (default 30, 1..30) and
 *   `eventTimeToLiveInMinutes` (default 1440, 1..1440);
 * - does not retry webhook answers 400, 401, 403 and 413: those are dead-lettered at once (or
 *   dropped when no dead-letter destination is configured).
 */

export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 30;
export const DEFAULT_EVENT_TTL_MINUTES = 1440;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before retry n (n = 1 is the first retry, after the first failed attempt). */
const SCHEDULE_MS = [10 * SECOND, 30 * SECOND, 1 * MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE, 1 * HOUR, 3 * HOUR, 6 * HOUR];
const THEN_EVERY_MS = 12 * HOUR;

/** Webhook status codes Event Grid treats as configuration errors that retrying cannot fix. */
const NOT_RETRIED = new Set([400, 401, 403, 413]);

export interface RetryPolicy {
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
}

/** The policy a subscription gets when its PUT leaves fields out (the spec example echoes 30 / 1440). */
export function normaliseRetryPolicy(input: Partial<RetryPolicy> | undefined): RetryPolicy {
  return {
    maxDeliveryAttempts: input?.maxDeliveryAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
    eventTimeToLiveInMinutes: input?.eventTimeToLiveInMinutes ?? DEFAULT_EVENT_TTL_MINUTES
  };
}

/** Delay (real Event Grid milliseconds, before any time compression) before the given retry. */
export function retryDelayMs(retryNumber: number): number {
  if (retryNumber < 1) throw new RangeError(`retryDelayMs: retry number must be >= 1, got ${retryNumber}`);
  return SCHEDULE_MS[retryNumber - 1] ?? THEN_EVERY_MS;
}

export function isRetriable(status: number | undefined): boolean {
  // A connection error or timeout has no status and is retried.
  return status === undefined || !NOT_RETRIED.has(status);
}

export type RetryDecision =
  | { action: "retry"; delayMs: number }
  | { action: "deadLetter"; reason: "MaxDeliveryAttemptsExceeded" | "TimeToLiveExceeded" | "NonRetriableStatus" };

/**
 * What to do after a failed attempt.
 * @param attempts attempts made so far (>= 1)
 * @param ageMs how long ago the event was published, at the time of the failed attempt
 * @param scale factor applied to the schedule and the TTL (the simulator's time compression)
 */
export function decideAfterFailure(policy: RetryPolicy, attempts: number, ageMs: number, status: number | undefined, scale = 1): RetryDecision {
  if (!isRetriable(status)) return { action: "deadLetter", reason: "NonRetriableStatus" };
  if (attempts >= policy.maxDeliveryAttempts) return { action: "deadLetter", reason: "MaxDeliveryAttemptsExceeded" };
  const delayMs = retryDelayMs(attempts) * scale;
  const ttlMs = policy.eventTimeToLiveInMinutes * MINUTE * scale;
  if (ageMs + delayMs > ttlMs) return { action: "deadLetter", reason: "TimeToLiveExceeded" };
  return { action: "retry", delayMs };
}
