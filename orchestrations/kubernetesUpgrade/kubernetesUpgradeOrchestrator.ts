import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, OrchestratorNames } from "../names";
import type { ApprovalInput, ApprovalOutcome, StepView } from "../common/contracts";
import { call } from "../engine/call";
import { runOperation, type OperationEnd, type OperationFlow, type Planned } from "../engine/runOperation";
import { defaultPollingPolicy, type PlanStep } from "../engine/plan";
import { nowIso, timerAfter } from "../common/time";
import { blockedReason, failingChecks, isDeprecatedApiBlock } from "../../shared/domain/readiness";
import type { KubernetesUpgradeInput, KubernetesUpgradeResult, PreparedUpgrade } from "./contracts";
import type { ForceUpgradeDecision } from "./activities/forceUpgrade";

/** The force decision's approval instance, beside the step's own (`…:approval:{step}`). */
export const forceApprovalInstanceId = (parentInstanceId: string, stepIndex: number): string => `${parentInstanceId}:force:${stepIndex}`;
/** The run that retries the upgrade under the approved override (its steps get their own instance ids). */
export const forcedRunInstanceId = (parentInstanceId: string): string => `${parentInstanceId}:forced`;

/** Clearing the override: polls of the cluster while AKS applies it, then the record says cleared or not. */
const CLEAR_POLL_MS = 30_000;
const CLEAR_MAX_POLLS = 40;

/**
 * Upgrades one cluster's Kubernetes version: control plane first (one minor at a time), then pool
 * by pool, each step behind the approval its policy asks for and followed by a health gate (after
 * the plan's settle time for pool steps). A planner and its actions over the operation engine,
 * which stops at the first failure and always ends the record; an operator resumes a failed
 * upgrade from the failed step with `POST /api/clusters/{id}/upgrades`.
 *
 * Readiness (issue 30, docs/readiness.md): a `fail` in the report stored on the plan ends the
 * operation `Blocked` before any approval card or AKS write. AKS's deprecated-API block on a
 * control-plane step ends the step `Blocked` with AKS's message and asks a separate force decision
 * (an approval of its own kind, in every environment, whatever the approval policy): approved, the
 * upgrade runs again with `upgradeSettings.overrideSettings {forceUpgrade: true, until}` written with
 * the control-plane PUT, and the override is cleared once that run ends; rejected or expired, the
 * operation ends `Blocked`.
 */
export function* kubernetesUpgradeOrchestrator(context: OrchestrationContext): Generator<Task, KubernetesUpgradeResult, unknown> {
  const input = context.df.getInput<KubernetesUpgradeInput>();
  const state: { prepared?: PreparedUpgrade } = {};
  const end = yield* runOperation(context, upgradeFlow(context, input, state));
  const blocked = forceable(end, input);
  if (!blocked || !state.prepared) return { status: end.status, message: end.message };
  return yield* decideForce(context, input, state.prepared, blocked);
}

/** The control-plane step AKS blocked on deprecated-API usage, when the platform may ask to force it. */
function forceable(end: Omit<OperationEnd, "message">, input: KubernetesUpgradeInput): { step: PlanStep; message: string } | undefined {
  if (input.force || end.status !== "Failed" || !end.failedStep || end.failedStep.action.type !== "controlPlaneVersion" || !isDeprecatedApiBlock(end.error)) return undefined;
  return { step: end.failedStep, message: end.error?.message ?? "" };
}

function upgradeFlow(context: OrchestrationContext, input: KubernetesUpgradeInput, state: { prepared?: PreparedUpgrade }): OperationFlow {
  return {
    clusterId: input.clusterId,
    operationId: input.operationId,
    plan: function* () {
      const prepared = yield* call(context, ActivityNames.prepareKubernetesUpgrade, input);
      state.prepared = prepared;
      const planned = kubernetesPlan(prepared, input);
      // A readiness `fail` (numbers in its evidence) stops the operation before its approval card:
      // nothing is asked, nothing is written to AKS. Only a plan none of whose steps ran is judged.
      const failing = failingChecks(prepared.readiness);
      if (failing.length > 0 && planned.done.length === 0) {
        return { ...planned, end: { status: "Blocked", error: { code: "ReadinessFailed", message: blockedReason(failing) } } };
      }
      return planned;
    },
    describe: (end, planned) => {
      const prepared = state.prepared;
      const target = prepared?.target ?? input.targetVersion ?? "?";
      const step = end.failedStep ? `Step ${end.failedStep.index + 1} (${end.failedStep.title})` : "";
      switch (end.status) {
        case "Succeeded": {
          const ran = planned ? planned.plan.steps.length - planned.done.length : 0;
          return ran === 0 ? `Already at ${target}: nothing to do` : `Upgraded to ${target} in ${ran} step(s)`;
        }
        case "Rejected": return `${step} rejected by ${end.approvedBy ?? "?"}`;
        case "Expired": return `No decision on ${step.toLowerCase()} ${end.error?.message ?? ""}`;
        case "Blocked": return `Readiness failed, nothing asked or changed: ${end.error?.message ?? ""}`;
        default:
          if (!prepared) return `Could not plan the upgrade: ${end.error?.message ?? "unknown error"}`;
          if (end.error?.code === "HealthGateFailed") return `Health gate after ${step.toLowerCase()}: ${end.error.message}`;
          if (forceable(end, input) || (input.force && isDeprecatedApiBlock(end.error))) return `${step} blocked by AKS on deprecated API usage: ${end.error?.message ?? ""}`;
          return `${step ? `${step} failed` : "Failed"}: ${end.error?.code ?? "Error"}: ${end.error?.message ?? ""}`;
      }
    },
    // AKS's deprecated-API block: the step is `Blocked`; the operation waits for the force decision
    // (asked next), or, in the forced run itself, ends `Blocked`.
    finalPatch: (end) => {
      const blockedStep = end.failedStep && isDeprecatedApiBlock(end.error) && end.failedStep.action.type === "controlPlaneVersion" ? end.failedStep : undefined;
      if (!blockedStep) return {};
      const step = { index: blockedStep.index, status: "Blocked" as const, endedAt: nowIso(context), ...(end.error ? { error: end.error } : {}) };
      if (forceable(end, input)) return { status: "AwaitingApproval", outcome: undefined, step };
      return { status: "Blocked", outcome: { result: "Blocked", message: end.message, failedStep: blockedStep.index, ...(end.error ? { error: end.error } : {}) }, step };
    },
    notify: (end) => {
      if (forceable(end, input)) return undefined; // the force card follows
      const prepared = state.prepared;
      return {
        kind: end.status === "Failed" ? "operationFailed" : "operationSummary",
        channel: "default",
        payload: {
          operationId: input.operationId, clusterId: input.clusterId, environment: prepared?.environment, target: prepared?.target ?? input.targetVersion,
          status: end.status, message: end.message,
          ...(end.failedStep && prepared ? { failedStep: prepared.steps.find((s) => s.index === end.failedStep!.index) } : {}),
          ...(end.error ? { error: end.error } : {})
        }
      };
    }
  };
}

/**
 * The force decision: a second approval kind over the same signed, single-use approval requests
 * (its own approval instance), asked in every environment. Approved: recorded with the approver and
 * the window, the upgrade runs again as a sub-orchestration (its own step instances) whose control-plane
 * PUT carries the override, then the override is cleared. Otherwise the operation ends `Blocked`.
 */
function* decideForce(context: OrchestrationContext, input: KubernetesUpgradeInput, prepared: PreparedUpgrade, blocked: { step: PlanStep; message: string }): Generator<Task, KubernetesUpgradeResult, unknown> {
  const hours = prepared.forceUpgradeWindowHours ?? 2;
  const step: StepView = prepared.steps.find((s) => s.index === blocked.step.index) ?? { index: blocked.step.index, kind: "controlPlane", from: "", to: "" };
  const approvalInput: ApprovalInput = {
    operationId: input.operationId, clusterId: input.clusterId, environment: prepared.environment, scope: "step", step, plan: prepared.steps,
    timeoutMinutes: prepared.approval.timeoutMinutes, onTimeout: prepared.approval.onTimeout,
    force: { windowHours: hours, blockedMessage: blocked.message.slice(0, 2000) }
  };
  const outcome = (yield context.df.callSubOrchestrator(OrchestratorNames.approval, approvalInput, forceApprovalInstanceId(context.df.instanceId, step.index))) as ApprovalOutcome;
  if (outcome.outcome !== "approved") {
    const why = outcome.outcome === "expired"
      ? `no force decision by ${outcome.deadline}`
      : `force rejected by ${outcome.decision.approver}${outcome.decision.comment ? `: ${outcome.decision.comment}` : ""}`;
    const message = `Step ${step.index + 1} (control plane ${step.from} → ${step.to}) blocked by AKS on deprecated API usage; ${why}. Migrate the usage and start the upgrade again.`;
    yield* call(context, ActivityNames.updateOperation, {
      clusterId: input.clusterId, operationId: input.operationId, at: nowIso(context), status: "Blocked",
      outcome: { result: "Blocked", message, failedStep: step.index, error: { code: "UpgradeBlockedOnDeprecatedAPIUsage", message: blocked.message.slice(0, 2000) } }
    });
    yield* notifyBlocked(context, input, prepared, message);
    return { status: "Blocked", message };
  }
  // The window starts at the decision (its recorded time, part of the event: replay-safe).
  const until = new Date(Date.parse(outcome.decision.at) + hours * 3600_000).toISOString();
  const decision: ForceUpgradeDecision = {
    clusterId: input.clusterId, operationId: input.operationId, step: step.index, blockedMessage: blocked.message.slice(0, 2000),
    approvedBy: outcome.decision.approver, approvedAt: outcome.decision.at, until, ...(outcome.decision.comment ? { comment: outcome.decision.comment } : {})
  };
  yield* call(context, ActivityNames.recordForceUpgrade, decision);
  let result: KubernetesUpgradeResult;
  try {
    result = (yield context.df.callSubOrchestrator(OrchestratorNames.kubernetesUpgrade, { ...input, resume: true, force: { until, approvedBy: decision.approvedBy } } satisfies KubernetesUpgradeInput, forcedRunInstanceId(context.df.instanceId))) as KubernetesUpgradeResult;
  } finally {
    // Whatever the forced run did, the override does not outlive it (a later upgrade must be blocked again).
    for (let poll = 0; poll < CLEAR_MAX_POLLS; poll++) {
      const cleared = yield* call(context, ActivityNames.clearForceUpgrade, { clusterId: input.clusterId, operationId: input.operationId, resourceId: prepared.resourceId, at: nowIso(context) });
      if (cleared.state === "cleared") break;
      yield timerAfter(context, CLEAR_POLL_MS);
    }
  }
  return result;
}

function* notifyBlocked(context: OrchestrationContext, input: KubernetesUpgradeInput, prepared: PreparedUpgrade, message: string): Generator<Task, void, unknown> {
  try {
    yield* call(context, ActivityNames.postTeamsMessage, {
      kind: "upgradeSummary", channel: "default",
      payload: { operationId: input.operationId, clusterId: input.clusterId, environment: prepared.environment, target: prepared.target, status: "Blocked", message }
    });
  } catch {
    // Best effort: the record is the source of truth.
  }
}

/** The upgrade as engine plan data: one step per control-plane minor, then one per pool. */
export function kubernetesPlan(prepared: PreparedUpgrade, input?: Pick<KubernetesUpgradeInput, "force">): Planned {
  const polling = { ...defaultPollingPolicy, ...(prepared.polling ? { firstIntervalMs: prepared.polling.firstIntervalMs, maxIntervalMs: prepared.polling.maxIntervalMs } : {}) };
  // The forced run was approved by its force decision: a once-per-upgrade approval is not asked again.
  const approval = input?.force && prepared.approval.mode === "oncePerUpgrade" ? { ...prepared.approval, mode: "none" as const } : prepared.approval;
  return {
    plan: {
      resourceId: prepared.resourceId, environment: prepared.environment, target: prepared.target,
      steps: prepared.steps.map((s) => planStep(s, prepared.healthSettleMs ?? 0)),
      approval, healthGate: prepared.healthGate, polling
    },
    done: prepared.steps.filter((s) => s.index < prepared.firstStepIndex).map((s) => s.index),
    recordPlan: { target: prepared.target, steps: prepared.steps }
  };
}

function planStep(step: StepView, settleMs: number): PlanStep {
  if (step.kind === "controlPlane") {
    return { index: step.index, title: `control plane ${step.from} → ${step.to}`, action: { type: "controlPlaneVersion", from: step.from, to: step.to }, health: true, settleMs: 0 };
  }
  const pool = step.pool ?? "";
  return { index: step.index, title: `pool ${pool} ${step.from} → ${step.to}`, action: { type: "poolVersion", pool, from: step.from, to: step.to }, health: true, settleMs };
}
