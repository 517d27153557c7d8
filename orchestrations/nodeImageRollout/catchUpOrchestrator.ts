import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import type { CatchUpInput, ClusterPageInput, ClusterPageResult } from "./contracts";
import { nowIso } from "../common/time";
import { mergePages, type RingOutcome } from "./ringOrchestrator";

/**
 * The daily check: every cluster whose last node-image operation ended with `catchUpDue` (stopped
 * cluster, missed or closed window, queued too long) and has no catch-up yet gets one, which waits
 * for the cluster's next window. Run daily, it keeps every cluster within one window of its due
 * date. The listing activity marks each candidate as scheduled, so tomorrow's check skips it.
 */
export function* nodeImageCatchUpOrchestrator(context: OrchestrationContext): Generator<Task, RingOutcome, unknown> {
  const input = context.df.getInput<CatchUpInput>();
  const pages: Task[] = [];
  let after: string | undefined;
  for (;;) {
    const page = yield* call(context, ActivityNames.listNodeImageCatchUpPage, {
      date: input.date, at: nowIso(context), pageSize: input.policy.pageSize, ...(after !== undefined ? { after } : {})
    });
    if (page.candidates.length > 0) {
      const pageInput: ClusterPageInput = {
        mode: "catchUp", rolloutId: `catchup-${input.date}`, concurrency: input.policy.concurrency, policy: input.policy, requestedBy: "daily catch-up check",
        clusters: page.candidates.map((c) => ({ clusterId: c.clusterId, operationId: c.operationId, instanceId: c.instanceId, rolloutId: c.rolloutId, ring: c.ring, catchUpOf: c.catchUpOf }))
      };
      pages.push(context.df.callSubOrchestrator(OrchestratorNames.nodeImageClusterPage, pageInput, InstanceIds.nodeImageClusterPage(context.df.instanceId, pages.length)));
    }
    if (page.next === undefined) break;
    after = page.next;
  }
  const results = pages.length > 0 ? (yield context.df.Task.all(pages)) as ClusterPageResult[] : [];
  return mergePages(results);
}
