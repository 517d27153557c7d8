/**
 * The operation engine: cluster lock → plan → each step not yet Succeeded as a `operationStep`
 * sub-orchestration → final record → lock released → Teams summary or alert. Whatever throws (a
 * planner, a record write, a step's sub-orchestration), the operation ends with a record that says
 * how it ended: `Failed` with the error's code and message (no stack, no path) and the step it
 * stopped at; the lock is released and the alert posted before the instance itself fails. A
 * `Failed` operation is resumed from its failed step (the planner skips Succeeded steps).
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import type { ArmErrorInfo, LockAttempt, OperationStatus, StepView } from "../common/contracts";
import type { OperationPatch, OperationUpdate, RecordPlan } from "./contracts";
import type { TeamsMessageRequest } from "../common/teams";
import { retryTeamsDelivery } from "../common/teams";
import { acquireClusterLock, releaseClusterLock } from "../common/clusterLock";
import { nowIso } from "../common/time";
import { ActivityFailedError, call } from "./call";
import { errorOf } from "./errors";
import { needsApproval, stepViewOf, type OperationPlanData, type PlanStep } from "./plan";
import type { StepRunInput, StepRunResult } from "./stepOrchestrator";

/** Teams summaries and alerts are best effort after the fact: an hour of retries, then the record speaks alone. */
export const NOTIFY_WINDOW_MS = 3600_000;

/** Stands for "before the first step" where an end names no step. */
const NO_STEP: PlanStep = { index: 0, title: "", action: { type: "clusterPatch", patch: "platformOwnsUpgrades" }, health: false, settleMs: 0 };

export type { OperationPatch } from "./contracts";

export interface Planned {
  plan: OperationPlanData;
  /** Steps already Succeeded (a resume): not run again. */
  done: number[];
  /** What the record's `plan` shows; absent: the planner stored it itself. */
  recordPlan?: RecordPlan;
  /** The planner found nothing may run (a stopped cluster): the operation ends so, with the plan recorded. */
  end?: Omit<OperationEnd, "message" | "notStarted"> & { notStarted?: { code: string; reason: string } };
}

export type PlanResult = { ok: true; planned: Planned } | { ok: false; error: ArmErrorInfo };

export interface OperationEnd {
  status: OperationStatus;
  message: string;
  failedStep?: PlanStep;
  error?: ArmErrorInfo;
  /** Why steps did not start (a window closed): the flow decides what that means. */
  notStarted?: { code: string; reason: string; step: PlanStep };
  approvedBy?: string;
}

/** A flow run by the engine; `S` is the flow's own section(s) of the record its patches carry (default: none). */
export interface OperationFlow<S extends object = object> {
  clusterId: string;
  operationId: string;
  /** Reads ARM and the record, answers the plan. A thrown permanent failure is a refusal (`PlanFailed`). */
  plan: () => Generator<Task, Planned, unknown>;
  /** The words of the final record. */
  describe: (end: Omit<OperationEnd, "message">, planned: Planned | undefined) => string;
  /** The Teams message for the end, if the flow posts one. */
  notify?: (end: OperationEnd, planned: Planned | undefined) => TeamsMessageRequest | undefined;
  /** Give up waiting for the lock at this instant (epoch ms). */
  lockDeadline?: number;
  /** The flow's own record fields for the end (node-image pools, catch-up). */
  finalPatch?: (end: OperationEnd, planned: Planned | undefined) => OperationPatch<S>;
  /** Queued behind another operation: the record says so once. */
  queuedPatch?: (attempt: LockAttempt) => OperationPatch<S>;
  /**
   * `false`: the operation does not take the cluster's lock, because its steps write no AKS
   * resource (governance puts back a diagnostic setting or a budget: it must not wait a day behind
   * an upgrade awaiting approval, and cannot conflict with one). Default `true`.
   */
  exclusive?: boolean;
}

export function* runOperation<S extends object = object>(context: OrchestrationContext, flow: OperationFlow<S>): Generator<Task, OperationEnd, unknown> {
  const record = (patch: OperationPatch | OperationPatch<S>) => call(context, ActivityNames.updateOperation, {
    clusterId: flow.clusterId, operationId: flow.operationId, at: nowIso(context), ...patch
  } satisfies OperationUpdate | OperationUpdate<S>);
  const lock = { clusterId: flow.clusterId, operationId: flow.operationId, instanceId: context.df.instanceId };
  let locked = false;
  let planned: Planned | undefined;
  let thrown = false;
  let end: OperationEnd;
  let current: PlanStep | undefined;
  try {
    const acquired = flow.exclusive === false ? { acquired: true as const } : yield* acquireClusterLock(context, lock, function* (attempt) {
      yield* record(flow.queuedPatch ? flow.queuedPatch(attempt) : { status: "Queued", queuePosition: attempt.position });
    }, flow.lockDeadline !== undefined ? { deadline: flow.lockDeadline } : {});
    if (!acquired.acquired) {
      end = ending(flow, { status: "Cancelled", notStarted: { code: "WindowClosedWhileQueued", reason: `window closed while queued behind ${acquired.holder ?? "another platform operation"}`, step: NO_STEP } }, undefined);
    } else {
      locked = flow.exclusive !== false;
      const made = yield* planOf(flow);
      if (!made.ok) {
        end = ending(flow, { status: "Failed", error: made.error }, undefined);
      } else {
        planned = made.planned;
        yield* record({ status: "Running", ...(planned.recordPlan ? { plan: planned.recordPlan } : {}) });
        const early = planned.end;
        end = early
          ? ending(flow, { status: early.status, ...(early.error ? { error: early.error } : {}), ...(early.notStarted ? { notStarted: { ...early.notStarted, step: planned.plan.steps[0] ?? NO_STEP } } : {}) }, planned)
          : yield* runSteps(context, flow, planned, (s) => { current = s; });
      }
    }
  } catch (err) {
    thrown = true;
    const error = errorOf(err);
    end = ending(flow, { status: "Failed", error, ...(current ? { failedStep: current } : {}) }, planned);
  }

  // The final record, the lock and the alert: each tried on its own, so one failing does not skip the others.
  try {
    yield* record({
      status: end.status,
      outcome: { result: end.status, message: end.message, ...(end.failedStep ? { failedStep: end.failedStep.index } : {}), ...(end.error ? { error: end.error } : {}) },
      ...(thrown && end.failedStep ? { step: { index: end.failedStep.index, status: "Failed" as const, endedAt: nowIso(context), ...(end.error ? { error: end.error } : {}) } } : {}),
      ...(flow.finalPatch ? flow.finalPatch(end, planned) : {})
    });
  } catch {
    // Cosmos unreachable past the retry budget: the instance fails below and its status says why.
    thrown = true;
  }
  if (locked) {
    try {
      yield* releaseClusterLock(context, lock);
    } catch {
      // Released past the retry budget or not at all: the instance fails below, naming the operation.
      thrown = true;
    }
  }
  const message = flow.notify?.(end, planned);
  if (message) {
    try {
      yield* retryTeamsDelivery(context, ActivityNames.postTeamsMessage, message, new Date(context.df.currentUtcDateTime.getTime() + NOTIFY_WINDOW_MS));
    } catch {
      // Best effort: the record is the source of truth.
    }
  }
  if (thrown) throw new Error(`Operation ${flow.operationId} failed: ${end.message}`);
  return end;
}

function* planOf<S extends object>(flow: OperationFlow<S>): Generator<Task, PlanResult, unknown> {
  try {
    return { ok: true, planned: yield* flow.plan() };
  } catch (err) {
    if (err instanceof ActivityFailedError && err.failure.kind !== "throttled" && err.failure.kind !== "transient") {
      return { ok: false, error: { code: "PlanFailed", message: err.failure.message } };
    }
    throw err;
  }
}

function* runSteps<S extends object>(context: OrchestrationContext, flow: OperationFlow<S>, planned: Planned, onStep: (s: PlanStep) => void): Generator<Task, OperationEnd, unknown> {
  const { plan } = planned;
  const planSteps: StepView[] = plan.steps.map(stepViewOf);
  const remaining = plan.steps.filter((s) => !planned.done.includes(s.index));
  let approvedBefore = false;
  let baseline: StepRunResult & { status: "Succeeded" } | undefined;
  const inputFor = (step: PlanStep, ask: boolean): StepRunInput => ({
    target: { clusterId: flow.clusterId, operationId: flow.operationId, resourceId: plan.resourceId },
    operationInstanceId: context.df.instanceId,
    plan: { environment: plan.environment, approval: plan.approval, polling: plan.polling, ...(plan.healthGate ? { healthGate: plan.healthGate } : {}), ...(plan.notAfter ? { notAfter: plan.notAfter } : {}) },
    planSteps, step,
    ...(ask ? { approvalScope: plan.approval.mode === "everyStep" ? "step" as const : "operation" as const } : {}),
    ...(!ask && baseline?.healthAfter ? { baseline: baseline.healthAfter } : {})
  });
  for (const wave of wavesOf(remaining)) {
    // A wave that must be approved first runs its first step alone (one card), then the rest together.
    const first = wave.length > 1 && needsApproval(plan, approvedBefore) ? [wave.slice(0, 1)] : [];
    const rest = wave.slice(first.length);
    const batches = [...first];
    for (let i = 0; i < rest.length; i += MAX_PARALLEL_STEPS) batches.push(rest.slice(i, i + MAX_PARALLEL_STEPS));
    for (const batch of batches) {
      const asks = batch.map(() => needsApproval(plan, approvedBefore));
      const tasks = batch.map((step, i) => context.df.callSubOrchestrator(OrchestratorNames.operationStep, inputFor(step, asks[i]!), InstanceIds.step(context.df.instanceId, step.index)));
      onStep(batch[0]!);
      const results = (batch.length === 1 ? [yield tasks[0]!] : yield context.df.Task.all(tasks)) as StepRunResult[];
      if (asks.some(Boolean)) approvedBefore = true;
      for (const [i, result] of results.entries()) {
        const step = batch[i]!;
        onStep(step);
        switch (result.status) {
          case "Succeeded":
            baseline = result;
            continue;
          case "Failed":
            return ending(flow, { status: "Failed", failedStep: step, error: result.error }, planned);
          case "Rejected":
            return ending(flow, { status: "Rejected", failedStep: step, approvedBy: `${result.approver}${result.comment ? `: ${result.comment}` : ""}` }, planned);
          case "Expired":
            return ending(flow, { status: "Expired", failedStep: step, error: { code: "ApprovalExpired", message: `by ${result.deadline}${result.escalated ? " after escalation" : ""}` } }, planned);
          case "NotStarted":
            return ending(flow, { status: "Cancelled", notStarted: { code: result.code, reason: result.reason, step } }, planned);
        }
      }
    }
  }
  return ending(flow, { status: "Succeeded" }, planned);
}

/** At most this many steps of one wave run at once (each writes the one operation record). */
export const MAX_PARALLEL_STEPS = 8;

/** Consecutive steps sharing a `wave` run together; a step without one runs alone. */
export function wavesOf(steps: readonly PlanStep[]): PlanStep[][] {
  const waves: PlanStep[][] = [];
  for (const step of steps) {
    const last = waves[waves.length - 1];
    if (last && step.wave !== undefined && last[0]!.wave === step.wave) last.push(step);
    else waves.push([step]);
  }
  return waves;
}

function ending<S extends object>(flow: OperationFlow<S>, end: Omit<OperationEnd, "message">, planned: Planned | undefined): OperationEnd {
  return { ...end, message: flow.describe(end, planned) };
}
