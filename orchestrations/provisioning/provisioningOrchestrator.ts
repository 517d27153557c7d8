import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import { runOperation } from "../engine/runOperation";
import { call } from "../engine/call";
import type { ProvisioningInput } from "./contracts";

/**
 * Provisions the baseline for one cluster over the operation engine: the planner reads ARM and
 * answers the changing resources in waves; the plan is approved by policy (once, before anything
 * is applied); each resource is an idempotent PUT, polled; a failure stops at its resource. When
 * it succeeds the cluster is registered and adopted like an existing one (a sub-orchestration of
 * the adoption flow, after the lock is released).
 */
export function* provisioningOrchestrator(context: OrchestrationContext): Generator<Task, { status: string; message: string }, unknown> {
  const input = context.df.getInput<ProvisioningInput>();
  const end = yield* runOperation(context, {
    clusterId: input.clusterId,
    operationId: input.operationId,
    plan: function* () {
      return yield* call(context, ActivityNames.planProvisioning, input);
    },
    describe: (end, planned) => {
      const n = planned?.plan.steps.length ?? 0;
      if (end.status === "Succeeded") return n === 0 ? `Baseline in place: nothing to change for ${input.clusterId}` : `Baseline provisioned: ${n} resource${n === 1 ? "" : "s"} written for ${input.clusterId}`;
      if (end.status === "Rejected") return `Provisioning rejected by ${end.approvedBy ?? "an approver"}`;
      return `Provisioning stopped at ${end.failedStep?.title ?? "planning"}: ${end.error?.code ?? end.status}: ${end.error?.message ?? ""}`;
    },
    notify: (end) => end.status === "Failed" ? {
      kind: "operationFailed", channel: "default",
      payload: { operationId: input.operationId, clusterId: input.clusterId, environment: input.request.environment, target: "baseline", status: end.status, message: end.message, ...(end.error ? { error: end.error } : {}) }
    } : undefined
  });
  if (end.status !== "Succeeded") return { status: end.status, message: end.message };
  const registered = yield* call(context, ActivityNames.registerProvisionedCluster, { clusterId: input.clusterId });
  if (registered.adopt && registered.input) {
    const adopted = (yield context.df.callSubOrchestrator(OrchestratorNames.adoption, registered.input, InstanceIds.adoption(input.clusterId))) as { status: string; message: string };
    return { status: end.status, message: `${end.message}; ${adopted.message}` };
  }
  return { status: end.status, message: end.message };
}
