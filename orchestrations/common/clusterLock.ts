import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import type { LockAttempt } from "./contracts";
import { timerAfter } from "./time";
import { call } from "../engine/call";
import { backoffDelayMs, lockRetry, mayRetry } from "../engine/retry";

export interface LockRequest {
  clusterId: string;
  operationId: string;
  instanceId: string;
}

export type LockOutcome = { acquired: true } | { acquired: false; holder?: string };

/**
 * One platform operation per cluster: AKS rejects concurrent operations (409 OperationNotAllowed),
 * so the platform serialises its own work. The lock lives on the cluster's Cosmos record (ETag
 * guarded); a queued operation keeps its place in line and asks again on a durable timer
 * (engine/retry.ts `lockRetry`).
 * `onQueued` runs once, when the operation first finds itself queued.
 *
 * With a `deadline` (epoch ms) the operation gives up rather than wait past it — a node-image
 * upgrade must not start a pool after its maintenance window closes — and leaves the queue so the
 * holder's successor is not an abandoned request. Without one it waits as long as it takes.
 */
export function* acquireClusterLock(
  context: OrchestrationContext,
  request: LockRequest,
  onQueued: (attempt: LockAttempt) => Generator<Task, void, unknown>,
  options: { deadline?: number } = {}
): Generator<Task, LockOutcome, unknown> {
  let reportedQueued = false;
  for (let tries = 0; ; tries++) {
    const attempt = yield* call(context, ActivityNames.tryAcquireClusterLock, request);
    if (attempt.acquired) return { acquired: true };
    if (!reportedQueued) {
      reportedQueued = true;
      yield* onQueued(attempt);
    }
    const wait = backoffDelayMs(lockRetry, tries);
    const nowMs = context.df.currentUtcDateTime.getTime();
    if (!mayRetry(lockRetry, tries, { firstAtMs: nowMs, nowMs, delayMs: wait, ...(options.deadline !== undefined ? { deadlineMs: options.deadline } : {}) })) {
      yield* releaseClusterLock(context, request);
      return { acquired: false, holder: attempt.holder };
    }
    yield timerAfter(context, wait);
  }
}

export function* releaseClusterLock(context: OrchestrationContext, request: LockRequest): Generator<Task, void, unknown> {
  yield* call(context, ActivityNames.releaseClusterLock, request);
}
