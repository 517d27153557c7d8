/**
 * Retry delays as DurableTask.Core's `RetryInterceptor.ComputeNextDelay` computes them: the
 * delay after the n-th failure is firstRetryInterval * backoffCoefficient^(n-1), capped by
 * maxRetryInterval, and zero (no more retries) once `retryTimeout` has elapsed since the first
 * attempt. Unset options take the extension's defaults (coefficient 1, no cap, no timeout).
 */
import type { WireRetryOptions } from "./actions";

export interface RetryDecision {
  /** Delay before the next attempt; undefined when no further attempt may start. */
  delayMs?: number;
  /** Why no further attempt starts. */
  exhausted?: "attempts" | "timeout";
}

export function nextRetry(options: WireRetryOptions, failures: number, firstAttemptAt: number, now: number): RetryDecision {
  if (failures >= options.maxNumberOfAttempts) return { exhausted: "attempts" };
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout > 0 && now >= firstAttemptAt + timeout) return { exhausted: "timeout" };
  const coefficient = options.backoffCoefficient && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return { delayMs: cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay };
}
