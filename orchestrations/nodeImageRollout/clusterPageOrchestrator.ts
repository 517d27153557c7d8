import type { OrchestrationContext, Task } from "durable-functions";
import { OrchestratorNames } from "../names";
import type { ClusterPageInput, ClusterPageResult, NodeImageUpgradeInput, NodeImageUpgradeResult } from "./contracts";
import type { ArmStepOptions } from "../common/armStep";
import type { RolloutPolicy } from "./rolloutPolicy";

/** Rows kept per page for the Teams summary; the per-cluster records hold the rest. */
const NOTABLE_PER_PAGE = 10;

/**
 * One page of clusters (at most `pageSize`), each a `nodeImageUpgrade` sub-orchestration under its
 * deterministic instance id, at most `concurrency` at once. A page's history stays around four
 * events per cluster, so the fleet never lands in one history; a cluster that throws is counted as
 * failed and the others go on.
 */
export function* clusterPageOrchestrator(context: OrchestrationContext): Generator<Task, ClusterPageResult, unknown> {
  const input = context.df.getInput<ClusterPageInput>();
  const policy = input.policy;
  const result: ClusterPageResult = { clusters: input.clusters.length, upgraded: 0, current: 0, skipped: 0, failed: 0, notable: [] };
  const running = new Map<Task, string>();

  const collect = (task: Task, clusterId: string): void => {
    if (task.isFaulted) {
      result.failed++;
      result.notable.push({ clusterId, result: "failed", reason: messageOf(task.result) });
      return;
    }
    const outcome = task.result as NodeImageUpgradeResult;
    result[outcome.result]++;
    if (outcome.result === "failed" || outcome.result === "skipped") result.notable.push({ clusterId, result: outcome.result, reason: outcome.reason });
  };
  const settleOne = function* (): Generator<Task, void, unknown> {
    const winner = (yield context.df.Task.any([...running.keys()])) as Task;
    collect(winner, running.get(winner)!);
    running.delete(winner);
  };

  for (const cluster of input.clusters) {
    const clusterInput: NodeImageUpgradeInput & { options?: unknown } = {
      operationId: cluster.operationId, clusterId: cluster.clusterId, mode: input.mode,
      rolloutId: cluster.rolloutId ?? input.rolloutId, ring: cluster.ring ?? input.ring, requestedBy: input.requestedBy, catchUpOf: cluster.catchUpOf, notAfter: input.notAfter,
      options: { step: stepOptions(policy) }
    };
    running.set(context.df.callSubOrchestrator(OrchestratorNames.nodeImageUpgrade, clusterInput, cluster.instanceId), cluster.clusterId);
    if (running.size >= Math.max(1, input.concurrency)) yield* settleOne();
  }
  while (running.size > 0) yield* settleOne();

  const order = { failed: 0, skipped: 1 } as const;
  result.notable.sort((a, b) => (order[a.result as "failed" | "skipped"] ?? 2) - (order[b.result as "failed" | "skipped"] ?? 2));
  result.notable = result.notable.slice(0, NOTABLE_PER_PAGE);
  return result;
}

/** runArmStep's options for a node-image pool: polls grow from `pollFirstMinutes` to `pollMaxMinutes`. */
export function stepOptions(policy: RolloutPolicy): ArmStepOptions {
  return {
    maxConflictRetries: 8,
    conflictBaseDelayMs: 60_000,
    conflictMaxDelayMs: 15 * 60_000,
    pollFirstIntervalMs: policy.pollFirstMinutes * 60_000,
    pollMaxIntervalMs: policy.pollMaxMinutes * 60_000,
    // AKS's node-image upgrade of a large pool takes hours; six is the same bound as Kubernetes steps.
    stepTimeoutMs: 6 * 3600_000
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 300);
  return String(error).slice(0, 300);
}
