/**
 * A governance operation: the plan the trigger made (put the platform's diagnostic setting or
 * budget back, scale user pools down, stop the cluster) run over the operation engine, under the
 * cluster's lock, with a record like every operation. The plan comes in the input: the trigger
 * read ARM and compared it with the desired state; each step's activity reads ARM again and
 * writes only what still differs.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { runOperation } from "../engine/runOperation";
import { defaultPollingPolicy, type OperationPlanData, type PlanStep } from "../engine/plan";
import type { PollIntervals } from "../common/armStep";

export interface GovernanceInput {
  operationId: string;
  clusterId: string;
  resourceId: string;
  environment: string;
  /** What the operation brings the cluster to, in words (`diagnostic setting as desired`). */
  target: string;
  steps: PlanStep[];
  /** `approval`: one card before the first step (the cluster's governance policy). */
  remediation: "automatic" | "approval";
  approvalTimeoutMinutes?: number;
  polling?: PollIntervals;
  /** Teams card at the end (enforcement always reports what it did). */
  notify?: boolean;
}

export function governancePlan(input: GovernanceInput): OperationPlanData {
  return {
    resourceId: input.resourceId, environment: input.environment, target: input.target,
    steps: input.steps,
    approval: input.remediation === "approval"
      ? { mode: "oncePerUpgrade", timeoutMinutes: input.approvalTimeoutMinutes ?? 240, onTimeout: "reject" }
      : { mode: "none", timeoutMinutes: 0, onTimeout: "reject" },
    polling: { ...defaultPollingPolicy, ...(input.polling ? { firstIntervalMs: input.polling.firstIntervalMs, maxIntervalMs: input.polling.maxIntervalMs } : {}) }
  };
}

export function* governanceOrchestrator(context: OrchestrationContext): Generator<Task, { status: string; message: string }, unknown> {
  const input = context.df.getInput<GovernanceInput>();
  // Putting back a diagnostic setting or a budget writes no AKS resource: it does not wait for the
  // cluster's lock. Scaling pools or stopping the cluster does.
  const exclusive = input.steps.some((s) => s.action.type === "poolScale" || s.action.type === "clusterStop");
  const end = yield* runOperation(context, {
    clusterId: input.clusterId,
    operationId: input.operationId,
    exclusive,
    // eslint-disable-next-line require-yield
    plan: function* () {
      return { plan: governancePlan(input), done: [] };
    },
    describe: (end) => {
      if (end.status === "Succeeded") return `${input.target}: ${input.steps.map((s) => s.title).join("; ")}`;
      if (end.status === "Rejected") return `${input.target}: rejected by ${end.approvedBy ?? "an approver"}`;
      return `${input.target}: ${end.status}${end.error ? `: ${end.error.code}: ${end.error.message}` : ""}`;
    },
    notify: (end) => end.status === "Failed" || input.notify ? {
      kind: end.status === "Failed" ? "operationFailed" : "operationSummary", channel: "default",
      payload: { operationId: input.operationId, clusterId: input.clusterId, environment: input.environment, target: input.target, status: end.status, message: end.message, ...(end.error ? { error: end.error } : {}) }
    } : undefined
  });
  return { status: end.status, message: end.message };
}
