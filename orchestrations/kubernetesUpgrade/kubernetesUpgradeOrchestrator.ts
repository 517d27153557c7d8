import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import type { StepView } from "../common/contracts";
import { call } from "../engine/call";
import { runOperation, type Planned } from "../engine/runOperation";
import { defaultPollingPolicy, type PlanStep } from "../engine/plan";
import type { KubernetesUpgradeInput, KubernetesUpgradeResult, PreparedUpgrade } from "./contracts";

/**
 * Upgrades one cluster's Kubernetes version: control plane first (one minor at a time), then pool
 * by pool, each step behind the approval its policy asks for and followed by a health gate (after
 * the plan's settle time for pool steps). A planner and its actions over the operation engine,
 * which stops at the first failure and always ends the record; an operator resumes a failed
 * upgrade from the failed step with `POST /api/clusters/{id}/upgrades`.
 */
export function* kubernetesUpgradeOrchestrator(context: OrchestrationContext): Generator<Task, KubernetesUpgradeResult, unknown> {
  const input = context.df.getInput<KubernetesUpgradeInput>();
  let prepared: PreparedUpgrade | undefined;
  const end = yield* runOperation(context, {
    clusterId: input.clusterId,
    operationId: input.operationId,
    plan: function* () {
      prepared = yield* call(context, ActivityNames.prepareKubernetesUpgrade, input);
      return kubernetesPlan(prepared);
    },
    describe: (end, planned) => {
      const target = prepared?.target ?? input.targetVersion ?? "?";
      const step = end.failedStep ? `Step ${end.failedStep.index + 1} (${end.failedStep.title})` : "";
      switch (end.status) {
        case "Succeeded": {
          const ran = planned ? planned.plan.steps.length - planned.done.length : 0;
          return ran === 0 ? `Already at ${target}: nothing to do` : `Upgraded to ${target} in ${ran} step(s)`;
        }
        case "Rejected": return `${step} rejected by ${end.approvedBy ?? "?"}`;
        case "Expired": return `No decision on ${step.toLowerCase()} ${end.error?.message ?? ""}`;
        default:
          if (!prepared) return `Could not plan the upgrade: ${end.error?.message ?? "unknown error"}`;
          if (end.error?.code === "HealthGateFailed") return `Health gate after ${step.toLowerCase()}: ${end.error.message}`;
          return `${step ? `${step} failed` : "Failed"}: ${end.error?.code ?? "Error"}: ${end.error?.message ?? ""}`;
      }
    },
    notify: (end) => ({
      kind: end.status === "Failed" ? "operationFailed" : "operationSummary",
      channel: "default",
      payload: {
        operationId: input.operationId, clusterId: input.clusterId, environment: prepared?.environment, target: prepared?.target ?? input.targetVersion,
        status: end.status, message: end.message,
        ...(end.failedStep && prepared ? { failedStep: prepared.steps.find((s) => s.index === end.failedStep!.index) } : {}),
        ...(end.error ? { error: end.error } : {})
      }
    })
  });
  return { status: end.status, message: end.message };
}

/** The upgrade as engine plan data: one step per control-plane minor, then one per pool. */
export function kubernetesPlan(prepared: PreparedUpgrade): Planned {
  const polling = { ...defaultPollingPolicy, ...(prepared.polling ? { firstIntervalMs: prepared.polling.firstIntervalMs, maxIntervalMs: prepared.polling.maxIntervalMs } : {}) };
  return {
    plan: {
      resourceId: prepared.resourceId, environment: prepared.environment, target: prepared.target,
      steps: prepared.steps.map((s) => planStep(s, prepared.healthSettleMs ?? 0)),
      approval: prepared.approval, healthGate: prepared.healthGate, polling
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
