/**
 * The governance sweep as durable work: the registry's clusters in pages of `pageSize`, each page
 * a sub-orchestration that reviews its clusters one after another through `call` (so a throttled
 * or transient ARM read waits on a durable timer and is read again, instead of ending the sweep
 * for the rest of the fleet), pages started a deterministic `pageStaggerMs` apart so a fleet's
 * reviews do not spend ARM's read bucket in one burst. A cluster that fails for good is counted
 * and the others go on. Histories stay small: about two events per cluster in a page, two per page
 * in the sweep. Issue 31: the stagger is per subscription (ARM's buckets are), so a fleet spread
 * over N subscriptions starts each subscription's first page at once and is swept N times sooner.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import { ActivityFailedError, call } from "../engine/call";
import { timerAfter } from "../common/time";
import { bySubscription } from "../../shared/domain/subscriptions";

export interface GovernanceSweepInput {
  /** The scheduled minute the sweep stands for (its instance id). */
  at: string;
  pageSize: number;
  pageStaggerMs: number;
}

export interface SweepPageInput {
  clusterIds: string[];
  /** Wait before the first review (the page's place in the stagger). */
  delayMs: number;
}

/** What one cluster's review did (the `sweepCluster` activity). */
export interface ClusterSweepResult {
  clusterId: string;
  /** Operations started (remediations and a caught-up upgrade). */
  started: number;
  upgrade?: { target: string; outcome: string };
  /** The cluster left the registry between the list and its review. */
  gone?: boolean;
}

export interface SweepPageResult {
  clusters: number;
  started: number;
  upgrades: { clusterId: string; target: string; outcome: string }[];
  failed: { clusterId: string; error: string }[];
}

export type GovernanceSweepResult = SweepPageResult & { pages: number };

/** A cluster to sweep and its subscription. Sweeps recorded before issue 31 listed bare ids: one subscription. */
export interface SweepCluster {
  clusterId: string;
  subscriptionId: string;
}

/** By subscription, then id: the order the sweep pages its clusters in. */
export function sweepOrder(clusters: SweepCluster[]): SweepCluster[] {
  return [...clusters].sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId) || (a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0));
}

/**
 * The sweep's pages: each subscription's clusters in pages of `size`, the pages of one subscription
 * `staggerMs` apart from 0 (another subscription's first page starts at once: its own buckets).
 */
export function sweepPages(listed: readonly (string | SweepCluster)[], size: number, staggerMs: number): SweepPageInput[] {
  // Bare ids (sweeps listed before issue 31) are one subscription.
  const groups = bySubscription(listed, (c) => (typeof c === "string" ? undefined : c.subscriptionId), "");
  const pages: SweepPageInput[] = [];
  for (const group of groups.values()) {
    const ids = group.map((c) => (typeof c === "string" ? c : c.clusterId));
    for (let start = 0, inSubscription = 0; start < ids.length; start += size, inSubscription++) {
      pages.push({ clusterIds: ids.slice(start, start + size), delayMs: inSubscription * Math.max(0, staggerMs) });
    }
  }
  return pages;
}

export const defaultSweepShape = { pageSize: 50, pageStaggerMs: 30_000 } as const;

export function* governanceSweepOrchestrator(context: OrchestrationContext): Generator<Task, GovernanceSweepResult, unknown> {
  const input = context.df.getInput<GovernanceSweepInput>();
  const listed = yield* call(context, ActivityNames.listSweepClusters, {});
  const size = Math.max(1, input.pageSize);
  const pages: Task[] = [];
  for (const page of sweepPages(listed, size, input.pageStaggerMs)) {
    pages.push(context.df.callSubOrchestrator(OrchestratorNames.governanceSweepPage, page, InstanceIds.governanceSweepPage(context.df.instanceId, pages.length)));
  }
  const results = pages.length > 0 ? (yield context.df.Task.all(pages)) as SweepPageResult[] : [];
  return results.reduce<GovernanceSweepResult>((sum, r) => ({
    pages: sum.pages, clusters: sum.clusters + r.clusters, started: sum.started + r.started,
    upgrades: [...sum.upgrades, ...r.upgrades], failed: [...sum.failed, ...r.failed]
  }), { pages: pages.length, clusters: 0, started: 0, upgrades: [], failed: [] });
}

export function* governanceSweepPageOrchestrator(context: OrchestrationContext): Generator<Task, SweepPageResult, unknown> {
  const input = context.df.getInput<SweepPageInput>();
  const result: SweepPageResult = { clusters: input.clusterIds.length, started: 0, upgrades: [], failed: [] };
  if (input.delayMs > 0) yield timerAfter(context, input.delayMs);
  for (const clusterId of input.clusterIds) {
    try {
      const review = yield* call(context, ActivityNames.sweepCluster, { clusterId });
      result.started += review.started;
      if (review.upgrade) result.upgrades.push({ clusterId, ...review.upgrade });
    } catch (err) {
      if (!(err instanceof ActivityFailedError)) throw err;
      result.failed.push({ clusterId, error: `${err.failure.code}: ${err.failure.message}` });
    }
  }
  return result;
}
