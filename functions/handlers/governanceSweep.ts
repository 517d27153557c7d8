/**
 * The governance sweep: every registered cluster's diagnostic settings and budget reviewed against
 * ARM (what a dropped or missed resource event would have caught), and its Kubernetes version
 * compared with the region's list and its policy, starting the upgrade a missed
 * NewKubernetesVersionAvailable or ClusterSupportEnding would have started, under the same
 * deterministic id (`k8s-upgrade:<cluster>:<target>`), so an event and the sweep never start two.
 * The timer starts a durable sweep (orchestrations/governance/sweepOrchestrator.ts) whose pages
 * call `sweepCluster` per cluster: one cluster that cannot be read does not stop the others, and a
 * throttled read is retried on a durable timer, not dropped until the next sweep.
 */
import * as df from "durable-functions";
import type { DurableOrchestrationStatus, OrchestrationFilter } from "durable-functions";
import { isoNow, type ClusterRecord, type OperationTrigger } from "../../shared/store";
import { parseSchedule } from "../../shared/schedule/ncrontab";
import type { DurableClientPort } from "./durableClient";
import { startInstance } from "../../orchestrations/startOperation";
import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import { defaultSweepShape, type ClusterSweepResult, type GovernanceSweepInput } from "../../orchestrations/governance/sweepOrchestrator";
import { GOVERNANCE_SUBJECTS, reviewGovernance, type GovernanceSubject } from "./governance";
import type { GovernanceSubjectReview } from "../../orchestrations/governance/reviewOrchestrator";
import { policyTarget } from "./targets";
import { startKubernetesUpgrade } from "./upgradeStarter";
import type { Platform } from "../runtime/platform";
import { clusterSubscription } from "../runtime/subscriptionRouting";
import { sweepOrder, type SweepCluster } from "../../orchestrations/governance/sweepOrchestrator";

const SWEEP_TRIGGER: OperationTrigger = { type: "timer", by: "governanceSweep" };

/**
 * Reviews through the retry-less clients: a 429 or 5xx goes back to the sweep's page
 * orchestration, which waits it out on a durable timer instead of the SDK sleeping in an activity.
 */
export function retryless(platform: Platform): Platform {
  return Object.create(platform, { arm: { value: platform.activityArm }, armFor: { value: (subscriptionId: string) => platform.activityArmFor(subscriptionId) } }) as Platform;
}

/**
 * The `listSweepClusters` activity: the registry's clusters with their subscriptions (issue 31: the
 * sweep staggers each subscription's reviews within that subscription's ARM buckets), in a stable order.
 */
export function createListSweepClustersActivity(platform: Platform): () => Promise<SweepCluster[]> {
  return async () => sweepOrder((await platform.store.clusters.list()).map((c) => ({ clusterId: c.id, subscriptionId: clusterSubscription(platform, c) })));
}

/**
 * The `sweepCluster` activity: one cluster read afresh from the registry and reviewed (diagnostic
 * settings, budget, a missed Kubernetes version). Idempotent: every start it makes is under a
 * deterministic instance id, so a retried review starts nothing twice. What it cannot read throws,
 * classified by the activity proxy (throttling and 5xx retried, the rest ends this cluster's review).
 */
export function createSweepClusterActivity(platform: Platform): (client: DurableClientPort, input: { clusterId: string }) => Promise<ClusterSweepResult> {
  const p = retryless(platform);
  return async (client, { clusterId }) => {
    const cluster = (await p.store.clusters.get(clusterId))?.doc;
    if (!cluster) return { clusterId, started: 0, gone: true };
    let started = 0;
    for (const review of await reviewGovernance(p, client, cluster, GOVERNANCE_SUBJECTS, SWEEP_TRIGGER)) {
      if (review.operation && review.operation.outcome !== "exists") started++;
    }
    const upgrade = await catchUpVersion(p, client, cluster);
    if (upgrade?.outcome === "started") started++;
    return { clusterId, started, ...(upgrade ? { upgrade } : {}) };
  };
}

/**
 * The `reviewGovernanceSubject` activity: the coalesced event path's one review of a cluster's
 * subject (read afresh from the registry, ARM read through the retry-less clients: the review
 * orchestration waits out throttling on durable timers). Idempotent as `sweepCluster` is.
 */
export function createReviewGovernanceSubjectActivity(platform: Platform): (client: DurableClientPort, input: { clusterId: string; subject: GovernanceSubject; eventId: string }) => Promise<GovernanceSubjectReview> {
  const p = retryless(platform);
  return async (client, { clusterId, subject, eventId }) => {
    const cluster = (await p.store.clusters.get(clusterId))?.doc;
    if (!cluster) return { clusterId, subject, failing: [], gone: true };
    const [review] = await reviewGovernance(p, client, cluster, [subject], { type: "event", eventId });
    return {
      clusterId, subject, failing: review?.failing ?? [],
      ...(review?.operation ? { operationId: review.operation.operationId, outcome: review.operation.outcome } : {})
    };
  };
}

/** Starts the sweep of the scheduled minute `at`, unless one exists for it in any state. */
export async function startGovernanceSweep(client: DurableClientPort, at: Date): Promise<{ started: boolean; instanceId: string }> {
  const minute = `${at.toISOString().slice(0, 16)}Z`;
  const instanceId = InstanceIds.governanceSweep(minute);
  const input: GovernanceSweepInput = { at: minute, ...defaultSweepShape };
  const started = await startInstance(client, OrchestratorNames.governanceSweep, instanceId, input);
  return { started: started.started, instanceId };
}

/**
 * The upgrade the policy wants now, started (or found) under the event path's id, when the
 * region's list changed since the last sweep (a release came in: its event may have been missed).
 */
async function catchUpVersion(p: Platform, client: DurableClientPort, cluster: ClusterRecord): Promise<{ target: string; outcome: string } | undefined> {
  const choice = await policyTarget(p, cluster);
  const target = choice.kind === "upgrade" ? choice.target : "none";
  const seen = cluster.governance?.versionBaseline;
  if (seen?.target === target) return undefined;
  const note = () => p.store.clusters.mutate(cluster.id, (c) => ({
    ...c, governance: { alerts: c.governance?.alerts ?? [], holds: c.governance?.holds ?? [], ...c.governance, versionBaseline: { target, at: isoNow(p.clock) } }
  }));
  // First look: only noted.
  if (!seen || choice.kind === "none") {
    await note();
    return undefined;
  }
  // Noted only once the upgrade is started (or found): a start that throws is retried with the
  // baseline unchanged, so the retry still sees the release and starts it.
  const started = await startKubernetesUpgrade(p, client, { cluster, target: choice.target, trigger: SWEEP_TRIGGER, resume: false });
  await note();
  return { target: choice.target, outcome: started.outcome };
}

/** The interval between two of the schedule's occurrences (from the next one after `now`). */
export function sweepIntervalMs(schedule: string, now: number): number {
  const parsed = parseSchedule(schedule);
  const next = parsed.nextAfter(now);
  return parsed.nextAfter(next) - next;
}

/**
 * Whether a timer invocation is the `runOnStartup` one rather than an occurrence: not past due, and
 * the recorded next occurrence still ahead (an occurrence fires at or after it).
 */
export function isStartupRun(timer: { isPastDue: boolean; scheduleStatus?: { last?: string; next?: string; lastUpdated?: string } | null }, now: number): boolean {
  if (timer.isPastDue) return false;
  const next = timer.scheduleStatus?.next ? Date.parse(timer.scheduleStatus.next) : Number.NaN;
  return !Number.isFinite(next) || next > now + 1000;
}

/**
 * Why this timer invocation starts no sweep, or undefined when it should start one: an occurrence
 * always sweeps; the startup run sweeps only when GOVERNANCE_SWEEP_ON_STARTUP allows it and no sweep
 * ran within the interval (`sweepDueAtStartup`).
 */
export async function sweepSkipReason(
  timer: Parameters<typeof isStartupRun>[0], now: number, opts: { onStartup: boolean; schedule: string },
  client: Parameters<typeof sweepDueAtStartup>[0]
): Promise<string | undefined> {
  if (!isStartupRun(timer, now)) return undefined;
  if (!opts.onStartup) return "App start: GOVERNANCE_SWEEP_ON_STARTUP=false; the next governance sweep runs on schedule";
  const due = await sweepDueAtStartup(client, sweepIntervalMs(opts.schedule, now), now);
  return due.due ? undefined : `App start: the last governance sweep ${due.last ?? ""} is within its interval; the next runs on schedule`;
}

/**
 * At app start (`runOnStartup`): a sweep is due when none completed or is running that started
 * within the last interval, so a restart within the hour does not sweep twice and a first start,
 * or one after the last sweep failed, does not wait for the next occurrence.
 */
export async function sweepDueAtStartup(client: { getStatusBy(filter: OrchestrationFilter): Promise<Pick<DurableOrchestrationStatus, "instanceId">[]> }, intervalMs: number, now: number): Promise<{ due: boolean; last?: string }> {
  const recent = await client.getStatusBy({
    createdTimeFrom: new Date(now - intervalMs),
    runtimeStatus: [df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending]
  });
  const sweeps = recent.filter((s) => s.instanceId.startsWith(InstanceIds.governanceSweep("")) && !s.instanceId.includes(":page:")).map((s) => s.instanceId).sort();
  return sweeps.length > 0 ? { due: false, last: sweeps.at(-1)! } : { due: true };
}
