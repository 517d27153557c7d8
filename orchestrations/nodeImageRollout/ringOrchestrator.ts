import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import type { ClusterPageInput, ClusterPageRequest, ClusterPageResult, RingInput } from "./contracts";
import { nodeImageOperationId } from "./rolloutPolicy";
import { subscriptionSpreadMs, subscriptionWindowSpreadMs } from "../engine/spread";

export interface RingOutcome extends Omit<ClusterPageResult, "historyEvents"> {
  pages: number;
}

/**
 * One ring of the rollout. Reads the ring's clusters a page at a time (ids only, cursor = last id)
 * and hands each page to its own `nodeImageClusterPage` sub-orchestration; pages run side by side
 * because every cluster waits for its own window, and a page that waited for the one before it
 * would make later clusters miss theirs. This history grows by a few events per page, not per cluster.
 */
export function* nodeImageRingOrchestrator(context: OrchestrationContext): Generator<Task, RingOutcome, unknown> {
  const input = context.df.getInput<RingInput>();
  const pages: Task[] = [];
  let after: string | undefined;
  for (;;) {
    const request: ClusterPageRequest = { ring: input.ring, pageSize: input.policy.pageSize, ...(after !== undefined ? { after } : {}) };
    const page = yield* call(context, ActivityNames.listNodeImageRingPage, request);
    if (page.clusterIds.length > 0) {
      const pageInput: ClusterPageInput = {
        mode: "rollout", rolloutId: input.rolloutId, ring: input.ring, concurrency: input.policy.concurrency, policy: input.policy,
        ...(input.notAfter ? { notAfter: input.notAfter } : {}),
        clusters: page.clusterIds.map((clusterId, i) => {
          // Issue 31: spread within the cluster's own subscription's read bucket (pages listed before it: the fixed spread).
          const subscription = page.subscriptions?.[i];
          const size = subscription !== undefined ? page.subscriptionSizes?.[subscription] : undefined;
          return {
            clusterId,
            operationId: nodeImageOperationId(input.rolloutId, clusterId),
            instanceId: InstanceIds.nodeImageUpgrade(input.rolloutId, clusterId),
            ...(size !== undefined ? { prepareSpreadMs: subscriptionSpreadMs(size), windowSpreadMs: subscriptionWindowSpreadMs(size) } : {})
          };
        })
      };
      pages.push(context.df.callSubOrchestrator(OrchestratorNames.nodeImageClusterPage, pageInput, InstanceIds.nodeImageClusterPage(context.df.instanceId, pages.length)));
    }
    if (page.next === undefined) break;
    after = page.next;
  }
  const results = pages.length > 0 ? (yield context.df.Task.all(pages)) as ClusterPageResult[] : [];
  return mergePages(results);
}

export function mergePages(results: ClusterPageResult[]): RingOutcome {
  const merged: RingOutcome = { clusters: 0, upgraded: 0, current: 0, skipped: 0, failed: 0, notable: [], pages: results.length };
  for (const r of results) {
    merged.clusters += r.clusters;
    merged.upgraded += r.upgraded;
    merged.current += r.current;
    merged.skipped += r.skipped;
    merged.failed += r.failed;
    merged.notable.push(...r.notable);
  }
  merged.notable = merged.notable.filter((n) => n.result === "failed").concat(merged.notable.filter((n) => n.result !== "failed")).slice(0, 25);
  return merged;
}
