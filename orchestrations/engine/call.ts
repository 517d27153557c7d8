/**
 * The one way orchestrators call activities. Every activity is registered `guarded`: it never
 * throws across the durable boundary but answers an outcome whose failure is already classified
 * (shared/domain/failures.ts) and cleaned (no stack, no path). `call` retries throttled and transient
 * failures on durable timers (Retry-After when ARM or Cosmos gave one, else the doubling backoff of
 * the one retry policy, retry.ts `activityRetry`), within its time budget; permanent ones and exhausted retries throw `ActivityFailedError`, which the
 * operation engine turns into a `Failed` record.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { clean, failureOf, isRetryable, type Failure } from "../../shared/domain/failures";
import { timerAfter } from "../common/time";
import { spreadMs } from "./spread";
import type { ActivityInput, ActivityName, ActivityOutput, StepActivityRequest, StepCheckActivity, StepStartActivity } from "../activities";
import type { StartStepResult, StepState } from "../common/contracts";
import { activityRetry, backoffDelayMs, mayRetry, type RetryPolicy } from "./retry";

export type ActivityOutcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export class ActivityFailedError extends Error {
  override readonly name = "ActivityFailedError";
  constructor(readonly activity: string, readonly failure: Failure, readonly attempts: number) {
    super(`${activity}: ${failure.code}: ${failure.message}`);
  }
}

/** Wraps an activity handler at registration: its result, or its classified failure. */
export function guarded<I, O>(handler: (input: I) => Promise<O> | O): (input: I) => Promise<ActivityOutcome<O>> {
  return async (input) => {
    try {
      return { ok: true, value: await handler(input) };
    } catch (err) {
      return { ok: false, failure: failureOf(err) };
    }
  };
}

function isOutcome(value: unknown): value is ActivityOutcome<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { ok?: unknown }).ok === "boolean" && ("value" in value || "failure" in value);
}

/** Calls `name` with its input and returns its result, both typed by the activity catalogue, retrying what is worth retrying (see the module comment). */
export function call<K extends ActivityName>(context: OrchestrationContext, name: K, input: ActivityInput<K>, policy: RetryPolicy = activityRetry): Generator<Task, ActivityOutput<K>, unknown> {
  return callNamed(context, name, input, policy) as Generator<Task, ActivityOutput<K>, unknown>;
}

/**
 * A step action's start or check (engine/actions.ts names them): every activity in
 * `StepStartActivity` answers a StartStepResult and every one in `StepCheckActivity` a StepState, by
 * the catalogue's types; the request is the engine's `requestOf` for the same action.
 */
export function callStepStart(context: OrchestrationContext, name: StepStartActivity, request: StepActivityRequest): Generator<Task, StartStepResult, unknown> {
  return callNamed(context, name, request) as Generator<Task, StartStepResult, unknown>;
}

export function callStepCheck(context: OrchestrationContext, name: StepCheckActivity, request: StepActivityRequest): Generator<Task, StepState, unknown> {
  return callNamed(context, name, request) as Generator<Task, StepState, unknown>;
}

function* callNamed(context: OrchestrationContext, name: ActivityName, input: unknown, policy: RetryPolicy = activityRetry): Generator<Task, unknown, unknown> {
  const firstAt = context.df.currentUtcDateTime.getTime();
  for (let attempt = 1; ; attempt++) {
    let outcome: ActivityOutcome<unknown>;
    try {
      const raw = yield context.df.callActivity(name, input);
      outcome = isOutcome(raw) ? raw : { ok: true, value: raw };
    } catch (err) {
      // The host itself failed the task (no such activity, a handler that escaped `guarded`).
      outcome = { ok: false, failure: { kind: "permanent", code: "ActivityFailed", message: clean(err instanceof Error ? err.message : String(err)) } };
    }
    if (outcome.ok) return outcome.value;
    const failure = outcome.failure;
    const delay = failure.retryAfterMs !== undefined
      ? failure.retryAfterMs + spreadMs(`${context.df.instanceId}:${name}:${attempt}`, Math.min(5 * 60_000, 30_000 * attempt))
      : backoffDelayMs(policy, attempt - 1);
    const now = context.df.currentUtcDateTime.getTime();
    if (!isRetryable(failure) || !mayRetry(policy, attempt - 1, { firstAtMs: firstAt, nowMs: now, delayMs: delay })) throw new ActivityFailedError(name, failure, attempt);
    yield timerAfter(context, Math.max(1, delay));
  }
}
