/**
 * One step of an operation, run as its own sub-orchestration (instance `<operation instance>:step:<index>`):
 * approval when the plan asks → start → wait → settle → health gate → record. The wait races an
 * external event against the poll timer: the platform's Event Grid handler raises `stepEvent` on
 * this instance when AKS reports the step's pool finished rolling (NodePoolRollingSucceeded/Failed),
 * and the step checks ARM at once; the doubling poll stays as the safety net for missed events. The
 * event only wakes the step: ARM says how it ended. Whatever throws, the step answers a result
 * (never fails its instance) after recording itself Failed, so the operation can end its record.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, EventNames, InstanceIds, OrchestratorNames } from "../names";
import type { ApprovalInput, ApprovalOutcome, ApprovalScope, ArmErrorInfo, HealthSample, StartStepResult, StepView } from "../common/contracts";
import type { OperationPatch, OperationUpdate, StepPatch } from "./contracts";
import { evaluateHealthGate } from "../../shared/domain/healthGate";
import { nowIso, timerAfter } from "../common/time";
import { backoffDelayMs, conflictRetryOf, mayRetry } from "./retry";
import { call, callStepCheck, callStepStart } from "./call";
import { activitiesOf, requestOf, type StepTarget } from "./actions";
import { poolOf, type OperationPlanData, type PlanStep } from "./plan";
import { errorOf } from "./errors";

export interface StepRunInput {
  target: StepTarget;
  /** The operation's orchestration instance: the approval's instance id derives from it. */
  operationInstanceId: string;
  plan: Pick<OperationPlanData, "environment" | "approval" | "healthGate" | "polling" | "notAfter">;
  /** The whole plan as approval cards show it. */
  planSteps: StepView[];
  step: PlanStep;
  /** Present when this step must be approved first: what the approval covers. */
  approvalScope?: ApprovalScope;
  /** The health sample the previous step ended with, when no wait came in between: one read saved. */
  baseline?: HealthSample;
}

export type StepRunResult =
  | { status: "Succeeded"; healthAfter?: HealthSample; polls: number; armOperationId?: string }
  | { status: "Failed"; error: ArmErrorInfo }
  | { status: "Rejected"; approver: string; comment?: string }
  | { status: "Expired"; deadline: string; escalated: boolean }
  /** The plan's `notAfter` passed before the step could start (a maintenance window closed). */
  | { status: "NotStarted"; code: string; reason: string; afterApproval: boolean };

export function* stepOrchestrator(context: OrchestrationContext): Generator<Task, StepRunResult, unknown> {
  const input = context.df.getInput<StepRunInput>();
  const { step, target } = input;
  const record = (patch: Omit<OperationPatch, "step">, stepPatch?: Omit<StepPatch, "index">) =>
    call(context, ActivityNames.updateOperation, {
      clusterId: target.clusterId, operationId: target.operationId, at: nowIso(context), ...patch,
      ...(stepPatch ? { step: { index: step.index, ...describe(step), ...stepPatch } } : {})
    } satisfies OperationUpdate);
  let phase = "approval";
  let healthBefore: HealthSample | undefined;
  try {
    let afterApproval = false;
    if (input.approvalScope) {
      const asked = yield* record({ status: "AwaitingApproval" }, { status: "AwaitingApproval" });
      if (asked?.cancelled) return yield* cancelled(false);
      const approvalInput: ApprovalInput = {
        operationId: target.operationId, clusterId: target.clusterId, environment: input.plan.environment, scope: input.approvalScope,
        step: input.planSteps.find((s) => s.index === step.index) ?? { index: step.index, kind: "controlPlane", from: "", to: step.title },
        plan: input.planSteps, timeoutMinutes: input.plan.approval.timeoutMinutes, onTimeout: input.plan.approval.onTimeout
      };
      const approval = (yield context.df.callSubOrchestrator(
        OrchestratorNames.approval, approvalInput, InstanceIds.approval(input.operationInstanceId, step.index)
      )) as ApprovalOutcome;
      if (approval.outcome === "rejected") {
        yield* record({}, { status: "Skipped" });
        return { status: "Rejected", approver: approval.decision.approver, ...(approval.decision.comment ? { comment: approval.decision.comment } : {}) };
      }
      if (approval.outcome === "expired") {
        yield* record({}, { status: "Skipped" });
        return { status: "Expired", deadline: approval.deadline, escalated: approval.escalated };
      }
      afterApproval = true;
    }
    if (input.plan.notAfter && context.df.currentUtcDateTime.getTime() >= Date.parse(input.plan.notAfter)) {
      const reason = afterApproval ? "maintenance window closed while awaiting approval" : "maintenance window closed before the step could start";
      yield* record({}, { status: "Skipped" });
      return { status: "NotStarted", code: afterApproval ? "WindowClosedAwaitingApproval" : "WindowClosed", reason, afterApproval };
    }

    phase = "start";
    const running = yield* record({ status: "Running" }, { status: "Running", startedAt: nowIso(context) });
    // An operator cancelled the operation while this step was being scheduled (terminating its
    // instance may come too late to stop it): nothing is started in AKS.
    if (running?.cancelled) return yield* cancelled(afterApproval);
    const request = requestOf(target, step);
    const activities = activitiesOf(step.action);
    if (step.health) {
      phase = "health";
      healthBefore = input.baseline ?? (yield* call(context, ActivityNames.captureClusterHealth, request));
      phase = "start";
    }

    let started: StartStepResult;
    const conflictRetry = conflictRetryOf(input.plan.polling);
    const startedAt = context.df.currentUtcDateTime.getTime();
    for (let conflicts = 0; ; conflicts++) {
      started = yield* callStepStart(context, activities.start, request);
      if (!isStartResult(started)) started = { outcome: "alreadyDone" };
      if (started.outcome !== "conflict") break;
      const wait = backoffDelayMs(conflictRetry, conflicts);
      if (!mayRetry(conflictRetry, conflicts, { firstAtMs: startedAt, nowMs: context.df.currentUtcDateTime.getTime(), delayMs: wait })) {
        return yield* fail(started.error, 0);
      }
      yield timerAfter(context, wait);
    }
    const armOperationId = started.armOperationId;
    let polls = 0;
    if (started.outcome !== "alreadyDone" && activities.check) {
      phase = "wait";
      const deadline = context.df.currentUtcDateTime.getTime() + input.plan.polling.stepTimeoutMs;
      // A pool step ends on AKS's NodePoolRolling* event: its polls are only the safety net for a
      // lost event. Other steps (no event) poll from the first interval, doubling to the cap.
      const polling = input.plan.polling;
      const safetyNet = poolOf(step.action) ? polling.eventSafetyNetMs ?? 3 * polling.maxIntervalMs : undefined;
      let interval = safetyNet ?? polling.firstIntervalMs;
      for (;;) {
        polls++;
        const wake = context.df.waitForExternalEvent(EventNames.stepEvent);
        const timer = timerAfter(context, interval);
        const winner = (yield context.df.Task.any([wake, timer])) as Task;
        if (winner === wake) timer.cancel();
        const state = yield* callStepCheck(context, activities.check, { ...request, ...(armOperationId ? { armOperationId } : {}) });
        if (state.state === "Failed") return yield* fail(state.error, polls, armOperationId);
        if (state.state === "Succeeded") break;
        if (context.df.currentUtcDateTime.getTime() >= deadline) {
          return yield* fail({ code: "StepTimedOut", message: `Step ${step.index + 1} (${step.title}) still in progress after ${Math.round(input.plan.polling.stepTimeoutMs / 60_000)} minutes` }, polls, armOperationId);
        }
        interval = safetyNet ?? Math.min(interval * 2, polling.maxIntervalMs);
      }
    }

    let healthAfter: HealthSample | undefined;
    if (step.health && healthBefore && input.plan.healthGate) {
      phase = "health";
      // Platform metrics describe the last minute and arrive minutes late: sampling at once would
      // still see the surge node and the drain. The settle time is plan data.
      if (step.settleMs > 0) yield timerAfter(context, step.settleMs);
      healthAfter = yield* call(context, ActivityNames.captureClusterHealth, request);
      const pool = poolOf(step.action);
      const verdict = evaluateHealthGate({ before: healthBefore, after: healthAfter, thresholds: input.plan.healthGate, ...(pool ? { pools: [pool] } : {}) });
      if (!verdict.pass) return yield* fail({ code: "HealthGateFailed", message: verdict.reason }, polls, armOperationId, healthAfter);
    }
    yield* record({}, {
      status: "Succeeded", endedAt: nowIso(context), polls, ...(armOperationId ? { armOperationId } : {}),
      ...(healthBefore ? { healthBefore } : {}), ...(healthAfter ? { healthAfter } : {})
    });
    return { status: "Succeeded", polls, ...(healthAfter ? { healthAfter } : {}), ...(armOperationId ? { armOperationId } : {}) };
  } catch (err) {
    const error = errorOf(err, phase, step.action.type === "eventSubscription" ? "EventSubscriptionFailed" : `${phase[0]!.toUpperCase()}${phase.slice(1)}Failed`);
    try {
      yield* record({}, { status: "Failed", endedAt: nowIso(context), error, ...(healthBefore ? { healthBefore } : {}) });
    } catch {
      // The store is unreachable past the retry budget: the operation's final record tries again.
    }
    return { status: "Failed", error };
  }

  function* cancelled(afterApproval: boolean): Generator<Task, StepRunResult, unknown> {
    yield* record({}, { status: "Skipped" });
    return { status: "NotStarted", code: "OperationCancelled", reason: "the operation was cancelled", afterApproval };
  }

  function* fail(error: ArmErrorInfo, polls: number, armOperationId?: string, healthAfter?: HealthSample): Generator<Task, StepRunResult, unknown> {
    yield* record({}, {
      status: "Failed", endedAt: nowIso(context), polls, error, ...(armOperationId ? { armOperationId } : {}),
      ...(healthBefore ? { healthBefore } : {}), ...(healthAfter ? { healthAfter } : {})
    });
    return { status: "Failed", error };
  }
}

function isStartResult(value: unknown): value is StartStepResult {
  return typeof value === "object" && value !== null && typeof (value as { outcome?: unknown }).outcome === "string";
}

/** How the record names the step (the writer creates the entry from it when the plan did not list it). */
function describe(step: PlanStep): Pick<StepPatch, "name" | "kind" | "pool" | "from" | "to"> {
  const a = step.action;
  switch (a.type) {
    case "controlPlaneVersion": return { name: step.title, kind: "controlPlane", from: a.from, to: a.to };
    case "poolVersion": return { name: step.title, kind: "nodePool", pool: a.pool, from: a.from, to: a.to };
    case "poolNodeImage": return { name: step.title, kind: "nodeImage", pool: a.pool, from: a.from, to: a.to };
    default: return { name: step.title, kind: "configuration", from: "", to: "" };
  }
}
