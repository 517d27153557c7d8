import type { ClusterRecord } from "../../../shared/store";
import { bySubscription, subscriptionOf } from "../../../shared/domain/subscriptions";
import { InstanceIds } from "../../names";
import type { CatchUpCandidate, CatchUpPage, ClusterPage, ClusterPageRequest, RolloutPlan } from "../contracts";
import { nodeImageOperationId } from "../rolloutPolicy";
import { nodeImagePolicyOf } from "./clusterPolicy";
import type { NodeImageActivityDeps } from "./deps";
import { isNodeImageRecord, type NodeImageOperationRecord } from "./records";

function ringOfCluster(cluster: ClusterRecord): number {
  return nodeImagePolicyOf(cluster).ring;
}

/** The rings present in the fleet and their sizes, in rollout order. */
export function createPlanNodeImageRollout(deps: Pick<NodeImageActivityDeps, "store">) {
  return async (): Promise<RolloutPlan> => {
    const counts = new Map<number, number>();
    for (const cluster of await deps.store.clusters.list()) {
      const ring = ringOfCluster(cluster);
      counts.set(ring, (counts.get(ring) ?? 0) + 1);
    }
    return { rings: [...counts].sort(([a], [b]) => a - b).map(([ring, clusters]) => ({ ring, clusters })) };
  };
}

/**
 * One page of a ring's cluster ids, ordered by id, after the cursor. Ids, not documents, cross the
 * durable boundary; each cluster orchestration reads its own record.
 */
export function createListNodeImageRingPage(deps: Pick<NodeImageActivityDeps, "store">) {
  return async (request: ClusterPageRequest): Promise<ClusterPage> => {
    const ring = (await deps.store.clusters.list()).filter((c) => ringOfCluster(c) === request.ring);
    // Issue 31: the ring's clusters per subscription, so each subscription's reads are spread within its own bucket.
    const subscriptionOfCluster = (c: ClusterRecord): string => (subscriptionOf(c.resourceId) ?? c.subscriptionId).toLowerCase();
    const subscriptionSizes = Object.fromEntries([...bySubscription(ring, subscriptionOfCluster, "")].map(([subscription, clusters]) => [subscription, clusters.length]));
    const after = ring.filter((c) => request.after === undefined || c.id > request.after).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const page = after.slice(0, request.pageSize);
    const last = page[page.length - 1]?.id;
    return {
      clusterIds: page.map((c) => c.id), subscriptions: page.map(subscriptionOfCluster), subscriptionSizes,
      ...(after.length > page.length && last !== undefined ? { next: last } : {})
    };
  };
}

/**
 * One page of clusters that are due a catch-up: their latest node-image operation ended with
 * `catchUpDue` and no catch-up has been scheduled for it. Each is marked here (ETag-guarded) with
 * the catch-up's ids before it is returned, so tomorrow's check does not schedule it again; the
 * ids are deterministic, so a re-run of this activity returns the same catch-up, not a second one.
 */
export function createListNodeImageCatchUpPage(deps: Pick<NodeImageActivityDeps, "store" | "clock">) {
  return async (request: { date: string; at?: string; pageSize: number; after?: string }): Promise<CatchUpPage> => {
    const missed = (await deps.store.operations.query({ kind: "nodeImageRollout", status: "Cancelled" }))
      .filter(isNodeImageRecord)
      .filter((r) => r.nodeImage.catchUpDue === true)
      .filter((r) => !r.nodeImage.catchUp || r.nodeImage.catchUp.at.slice(0, 10) === request.date);
    // Only a cluster's newest missed operation matters; an older one was superseded.
    const newest = new Map<string, NodeImageOperationRecord>();
    for (const r of missed) {
      const seen = newest.get(r.clusterId);
      if (!seen || seen.timings.createdAt < r.timings.createdAt) newest.set(r.clusterId, r);
    }
    const due = [...newest.values()]
      .filter((r) => request.after === undefined || r.clusterId > request.after)
      .sort((a, b) => a.clusterId.localeCompare(b.clusterId));
    const page = due.slice(0, request.pageSize);
    const at = request.at ?? new Date(deps.clock.now()).toISOString();
    const candidates: CatchUpCandidate[] = [];
    for (const r of page) {
      const source = `catchup-${request.date}`;
      const operationId = nodeImageOperationId(source, r.clusterId);
      const instanceId = InstanceIds.nodeImageUpgrade(source, r.clusterId);
      await deps.store.operations.mutate(r.clusterId, r.id, (doc) => {
        const current = doc as NodeImageOperationRecord;
        if (current.nodeImage.catchUp) return undefined;
        current.nodeImage.catchUp = { operationId, instanceId, at };
        return current;
      });
      candidates.push({
        clusterId: r.clusterId, operationId, instanceId, rolloutId: r.nodeImage.rolloutId ?? source, catchUpOf: r.id,
        ...(r.nodeImage.ring !== undefined ? { ring: r.nodeImage.ring } : {})
      });
    }
    const last = page[page.length - 1];
    return { candidates, ...(due.length > page.length && last ? { next: last.clusterId } : {}) };
  };
}
