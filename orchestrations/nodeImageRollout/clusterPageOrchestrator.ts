import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, OrchestratorNames } from "../names";
import { call } from "../engine/call";
import type { ClusterPageInput, ClusterPageResult, NodeImageUpgradeInput, NodeImageUpgradeResult } from "./contracts";
import type { NodeImageUpgradeOptions } from "./nodeImageUpgradeOrchestrator";
import type { RolloutPolicy } from "./rolloutPolicy";

/** Rows kept per page for the Teams summary; the per-cluster records hold the rest. */
const NOTABLE_PER_PAGE = 10;

/**
 * One page of clusters (at most `pageSize`), each a `nodeImageUpgrade` sub-orchestration under its
 * deterministic instance id, in windows of at most `concurrency` at once. A window is one
 * `Task.all` of fresh tasks: a sliding `Task.any` over running tasks would list them again, and on
 * Azure the extension schedules a listed-again task a second time (durable-js #574). A page's history
 * stays around four events per cluster, so the fleet never lands in one history; a cluster that
 * throws is counted as failed and the others go on, unless an operator cancelled it (skipped).
 */
export function* clusterPageOrchestrator(context: OrchestrationContext): Generator<Task, ClusterPageResult, unknown> {
  const input = context.df.getInput<ClusterPageInput>();
  const policy = input.policy;
  const result: ClusterPageResult = { clusters: input.clusters.length, upgraded: 0, current: 0, skipped: 0, failed: 0, notable: [] };

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

  const width = Math.max(1, input.concurrency);
  for (let start = 0; start < input.clusters.length; start += width) {
    const window = input.clusters.slice(start, start + width).map((cluster) => {
      const clusterInput: NodeImageUpgradeInput & { options?: unknown } = {
        operationId: cluster.operationId, clusterId: cluster.clusterId, mode: input.mode,
        rolloutId: cluster.rolloutId ?? input.rolloutId, ring: cluster.ring ?? input.ring, requestedBy: input.requestedBy, catchUpOf: cluster.catchUpOf, notAfter: input.notAfter,
        ...(cluster.prepareSpreadMs !== undefined ? { prepareSpreadMs: cluster.prepareSpreadMs } : {}),
        ...(cluster.windowSpreadMs !== undefined ? { windowSpreadMs: cluster.windowSpreadMs } : {}),
        options: stepOptions(policy)
      };
      return { clusterId: cluster.clusterId, operationId: cluster.operationId, task: context.df.callSubOrchestrator(OrchestratorNames.nodeImageUpgrade, clusterInput, cluster.instanceId) };
    });
    try {
      yield context.df.Task.all(window.map((w) => w.task));
    } catch {
      // Task.all fails with the first failure; the rest of the window is still running.
    }
    for (const w of window) {
      // Yielding one already-scheduled task sends no action again: it only waits for it.
      if (!w.task.isCompleted && !w.task.isFaulted) {
        try { yield w.task; } catch { /* counted by collect */ }
      }
      if (w.task.isFaulted) {
        // Terminated by an operator's cancel: skipped, with who cancelled, not a failure against the budget.
        const cancelled = yield* call(context, ActivityNames.readOperationCancellation, { clusterId: w.clusterId, operationId: w.operationId });
        if (cancelled.by) {
          result.skipped++;
          result.notable.push({ clusterId: w.clusterId, result: "skipped", reason: `cancelled by ${cancelled.by}${cancelled.reason ? `: ${cancelled.reason}` : ""}`.slice(0, 300) });
          continue;
        }
      }
      collect(w.task, w.clusterId);
    }
  }

  const order = { failed: 0, skipped: 1 } as const;
  result.notable.sort((a, b) => (order[a.result as "failed" | "skipped"] ?? 2) - (order[b.result as "failed" | "skipped"] ?? 2));
  result.notable = result.notable.slice(0, NOTABLE_PER_PAGE);
  return result;
}

/** The engine's options for a cluster of this rollout: the platform's polling set, as data. */
export function stepOptions(policy: RolloutPolicy): NodeImageUpgradeOptions {
  const polling = policy.polling ?? { firstIntervalMs: 30_000, maxIntervalMs: 300_000, healthSettleMs: 300_000 };
  return { polling: { firstIntervalMs: polling.firstIntervalMs, maxIntervalMs: polling.maxIntervalMs }, healthSettleMs: polling.healthSettleMs };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 300);
  return String(error).slice(0, 300);
}
