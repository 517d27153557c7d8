import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import type { ApprovalOutcome, HealthSample, OperationStatus, UpgradeStep } from "../common/contracts";
import { asClusterOperation, type RecordOperation } from "../common/clusterOperation";
import { armStepOptionsWithPolling, runArmStep } from "../common/armStep";
import { postToTeams } from "../common/teams";
import { nowIso } from "../common/time";
import type { ApprovalInput } from "../approval/approvalOrchestrator";
import type { KubernetesUpgradeInput, KubernetesUpgradeResult, PreparedUpgrade } from "./contracts";
import { evaluateHealthGate } from "../../shared/domain/healthGate";

/** Teams summaries and alerts are best effort after the fact: an hour of retries, then the record speaks alone. */
const NOTIFY_WINDOW_MS = 3600_000;

/**
 * Upgrades one cluster's Kubernetes version: control plane first (one minor at a time), then pool
 * by pool, each step behind the approval its policy asks for and followed by a health gate. Stops
 * at the first failure; an operator resumes it from the failed step with
 * `POST /api/clusters/{id}/upgrades`.
 */
export function* kubernetesUpgradeOrchestrator(context: OrchestrationContext): Generator<Task, KubernetesUpgradeResult, unknown> {
  const input = context.df.getInput<KubernetesUpgradeInput>();
  return yield* asClusterOperation(context, input, (update) => upgrade(context, input, update));
}

function* upgrade(
  context: OrchestrationContext,
  input: KubernetesUpgradeInput,
  update: RecordOperation
): Generator<Task, KubernetesUpgradeResult, unknown> {
  let prepared: PreparedUpgrade;
  try {
    prepared = (yield context.df.callActivity(ActivityNames.prepareKubernetesUpgrade, input)) as PreparedUpgrade;
  } catch (err) {
    // No plan (an unsupported target, a downgrade, an unreadable cluster): recorded, nothing changed in ARM.
    const message = `Could not plan the upgrade: ${err instanceof Error ? err.message : String(err)}`;
    yield update({ status: "Failed", outcome: { result: "Failed", message, error: { code: "PlanFailed", message } } });
    return { status: "Failed", message };
  }
  yield update({ status: "Running", plan: { target: prepared.target, steps: prepared.steps } });

  const finish = function* (status: OperationStatus, message: string, failure?: { step: UpgradeStep; error: { code: string; message: string } }): Generator<Task, KubernetesUpgradeResult, unknown> {
    yield update({ status, outcome: { result: status, message, failedStep: failure?.step.index, error: failure?.error } });
    const giveUpAt = new Date(context.df.currentUtcDateTime.getTime() + NOTIFY_WINDOW_MS);
    yield* postToTeams(context, {
      kind: status === "Failed" ? "upgradeFailed" : "upgradeSummary",
      channel: "default",
      payload: { operationId: input.operationId, clusterId: input.clusterId, environment: prepared.environment, target: prepared.target, status, message, failedStep: failure?.step, error: failure?.error }
    }, giveUpAt);
    return { status, message };
  };

  const remaining = prepared.steps.filter((s) => s.index >= prepared.firstStepIndex);
  if (remaining.length === 0) {
    return yield* finish("Succeeded", `Already at ${prepared.target}: nothing to do`);
  }

  const stepOptions = armStepOptionsWithPolling(prepared.polling);
  let approvedUpgrade = false;
  for (const step of remaining) {
    const needsApproval = prepared.approval.mode === "everyStep" || (prepared.approval.mode === "oncePerUpgrade" && !approvedUpgrade);
    if (needsApproval) {
      yield update({ status: "AwaitingApproval", step: { index: step.index, status: "AwaitingApproval" } });
      const approvalInput: ApprovalInput = {
        operationId: input.operationId,
        clusterId: input.clusterId,
        environment: prepared.environment,
        scope: prepared.approval.mode === "everyStep" ? "step" : "upgrade",
        step,
        plan: prepared.steps,
        timeoutMinutes: prepared.approval.timeoutMinutes,
        onTimeout: prepared.approval.onTimeout
      };
      const approval = (yield context.df.callSubOrchestrator(
        OrchestratorNames.approval, approvalInput, InstanceIds.approval(context.df.instanceId, step.index)
      )) as ApprovalOutcome;
      if (approval.outcome === "rejected") {
        yield update({ step: { index: step.index, status: "Skipped" } });
        return yield* finish("Rejected", `Step ${step.index} (${describe(step)}) rejected by ${approval.decision.approver}${approval.decision.comment ? `: ${approval.decision.comment}` : ""}`);
      }
      if (approval.outcome === "expired") {
        yield update({ step: { index: step.index, status: "Skipped" } });
        return yield* finish("Expired", `No decision on step ${step.index} (${describe(step)}) by ${approval.deadline}${approval.escalated ? " after escalation" : ""}`);
      }
      approvedUpgrade = true;
      yield update({ status: "Running" });
    }

    const startedAt = nowIso(context);
    yield update({ step: { index: step.index, status: "Running", startedAt } });
    const target = { clusterId: input.clusterId, resourceId: prepared.resourceId, operationId: input.operationId, step };
    const healthBefore = (yield context.df.callActivity(ActivityNames.captureClusterHealth, target)) as HealthSample;
    const result = yield* runArmStep(context, target, stepOptions);
    if (result.state === "Failed") {
      yield update({ step: { index: step.index, status: "Failed", endedAt: nowIso(context), armOperationId: result.armOperationId, polls: result.polls, healthBefore, error: result.error } });
      return yield* finish("Failed", `Step ${step.index} (${describe(step)}) failed: ${result.error.code}: ${result.error.message}`, { step, error: result.error });
    }
    const healthAfter = (yield context.df.callActivity(ActivityNames.captureClusterHealth, target)) as HealthSample;
    const verdict = evaluateHealthGate({
      before: healthBefore, after: healthAfter, thresholds: prepared.healthGate,
      ...(step.kind === "nodePool" && step.pool ? { pools: [step.pool] } : {})
    });
    if (!verdict.pass) {
      const error = { code: "HealthGateFailed", message: verdict.reason };
      yield update({ step: { index: step.index, status: "Failed", endedAt: nowIso(context), armOperationId: result.armOperationId, polls: result.polls, healthBefore, healthAfter, error } });
      return yield* finish("Failed", `Health gate after step ${step.index} (${describe(step)}): ${verdict.reason}`, { step, error });
    }
    yield update({ step: { index: step.index, status: "Succeeded", endedAt: nowIso(context), armOperationId: result.armOperationId, polls: result.polls, healthBefore, healthAfter } });
  }
  return yield* finish("Succeeded", `Upgraded to ${prepared.target} in ${remaining.length} step(s)`);
}

function describe(step: UpgradeStep): string {
  return step.kind === "controlPlane" ? `control plane ${step.from} → ${step.to}` : `pool ${step.pool ?? "?"} ${step.from} → ${step.to}`;
}
