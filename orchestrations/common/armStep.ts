import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import type { StartStepResult, StepState, UpgradeStep } from "./contracts";
import { backoffMs, timerAfter } from "./time";

export interface ArmStepRequest {
  clusterId: string;
  resourceId: string;
  operationId: string;
  step: UpgradeStep;
}

export interface ArmStepOptions {
  /** An out-of-band operation holding the cluster (409 OperationNotAllowed): waits before giving up. */
  maxConflictRetries: number;
  conflictBaseDelayMs: number;
  conflictMaxDelayMs: number;
  /** Polling starts here and doubles up to the cap: a long pool roll costs a handful of GETs, not hundreds. */
  pollFirstIntervalMs: number;
  pollMaxIntervalMs: number;
  /** A step still running after this long is failed (AKS's own upgrade timeout is in hours). */
  stepTimeoutMs: number;
}

export const defaultArmStepOptions: ArmStepOptions = {
  maxConflictRetries: 8,
  conflictBaseDelayMs: 60_000,
  conflictMaxDelayMs: 15 * 60_000,
  pollFirstIntervalMs: 30_000,
  pollMaxIntervalMs: 5 * 60_000,
  stepTimeoutMs: 6 * 3600_000
};

/** How often a step's ARM operation is polled: the first wait, doubling up to the cap (app settings, passed as data). */
export interface PollIntervals {
  firstIntervalMs: number;
  maxIntervalMs: number;
}

/** `base` with its polling replaced by `polling`; absent polling keeps `base` as it is. */
export function armStepOptionsWithPolling(polling: PollIntervals | undefined, base: ArmStepOptions = defaultArmStepOptions): ArmStepOptions {
  if (!polling) return base;
  return { ...base, pollFirstIntervalMs: polling.firstIntervalMs, pollMaxIntervalMs: polling.maxIntervalMs };
}

/** Which activities start and check the operation: an upgrade step by default, or another ARM change (adoption). */
export interface ArmStepActivities {
  start: string;
  check: string;
}

export const upgradeStepActivities: ArmStepActivities = { start: ActivityNames.startUpgradeStep, check: ActivityNames.checkUpgradeStep };

export type ArmStepResult = (StepState & { state: "Succeeded" | "Failed" }) & { armOperationId?: string; polls: number };

/**
 * Starts one upgrade step through an activity and follows it to the end with durable timers. The
 * activity never waits for the long-running operation (activities stay short); the orchestration
 * does the waiting, so a host restart in the middle loses nothing.
 */
export function* runArmStep<R extends { step: { index: number } } = ArmStepRequest>(
  context: OrchestrationContext,
  request: R,
  options: ArmStepOptions = defaultArmStepOptions,
  activities: ArmStepActivities = upgradeStepActivities
): Generator<Task, ArmStepResult, unknown> {
  let started: StartStepResult;
  for (let conflicts = 0; ; conflicts++) {
    started = (yield context.df.callActivity(activities.start, request)) as StartStepResult;
    if (started.outcome !== "conflict") break;
    if (conflicts >= options.maxConflictRetries) {
      return { state: "Failed", error: started.error, polls: 0 };
    }
    yield timerAfter(context, backoffMs(conflicts, options.conflictBaseDelayMs, options.conflictMaxDelayMs));
  }
  const armOperationId = started.armOperationId;
  if (started.outcome === "alreadyDone") return { state: "Succeeded", armOperationId, polls: 0 };

  const deadline = context.df.currentUtcDateTime.getTime() + options.stepTimeoutMs;
  let interval = options.pollFirstIntervalMs;
  for (let polls = 1; ; polls++) {
    yield timerAfter(context, interval);
    // The ARM operation id lets the check read the async operation's error when the step fails.
    const state = (yield context.df.callActivity(activities.check, { ...request, armOperationId })) as StepState;
    if (state.state !== "InProgress") return { ...state, armOperationId, polls };
    if (context.df.currentUtcDateTime.getTime() >= deadline) {
      return {
        state: "Failed",
        error: { code: "StepTimedOut", message: `Step ${request.step.index} still in progress after ${options.stepTimeoutMs / 60_000} minutes` },
        armOperationId,
        polls
      };
    }
    interval = Math.min(interval * 2, options.pollMaxIntervalMs);
  }
}
