/**
 * The weekly node-image rollout: its timers (weekly rollout, daily catch-up check), the
 * registrations of its orchestrators and activities, and the starter the upgrades API uses for
 * `{kind: "nodeImage"}`.
 *
 * Settings (all optional):
 *   NODE_IMAGE_ROLLOUT_SCHEDULE   NCRONTAB (6 fields) of the weekly rollout; default Monday 00:00 UTC,
 *                                 the start of the ISO week the rollout is named after (one per week).
 *   NODE_IMAGE_CATCHUP_SCHEDULE   NCRONTAB of the daily catch-up check; default 00:30 UTC every day.
 *   NODE_IMAGE_SOAK_HOURS, NODE_IMAGE_FAILURE_BUDGET (ratio 0–1), NODE_IMAGE_PAGE_SIZE,
 *   NODE_IMAGE_CONCURRENCY: see rolloutPolicy.ts. Polling and settle times are the platform's one set
 *   (UPGRADE_POLL_INTERVAL_SECONDS, UPGRADE_POLL_MAX_INTERVAL_SECONDS, HEALTH_SETTLE_SECONDS; shared/config).
 */
import { readinessDeps } from "./runtime/readiness";
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { pollingSettingsFrom } from "../shared/config";
import { platform } from "./runtime/platform";
import { ActivityNames, OrchestratorNames } from "../orchestrations/names";
import { byClusterRecord } from "./runtime/subscriptionRouting";
import { createNodeImageActivities, type NodeImageActivities, type NodeImageActivityDeps } from "../orchestrations/nodeImageRollout/activities";
import { registerActivities, type ActivityHandlers } from "./runtime/register";
import { nodeImageCatchUpOrchestrator } from "../orchestrations/nodeImageRollout/catchUpOrchestrator";
import { clusterPageOrchestrator } from "../orchestrations/nodeImageRollout/clusterPageOrchestrator";
import { nodeImageRolloutOrchestrator } from "../orchestrations/nodeImageRollout/nodeImageRolloutOrchestrator";
import { nodeImageUpgradeOrchestrator } from "../orchestrations/nodeImageRollout/nodeImageUpgradeOrchestrator";
import { nodeImageRingOrchestrator } from "../orchestrations/nodeImageRollout/ringOrchestrator";
import { rolloutPolicyFrom, type RolloutPolicy } from "../orchestrations/nodeImageRollout/rolloutPolicy";
import { startCatchUpCheck, startWeeklyRollout } from "../orchestrations/nodeImageRollout/starters";

export { startCatchUpCheck, startNodeImageUpgradeByHand, startWeeklyRollout, type StartResult } from "../orchestrations/nodeImageRollout/starters";

export const NodeImageSettings = {
  rolloutSchedule: "NODE_IMAGE_ROLLOUT_SCHEDULE",
  catchUpSchedule: "NODE_IMAGE_CATCHUP_SCHEDULE",
  soakHours: "NODE_IMAGE_SOAK_HOURS",
  failureBudget: "NODE_IMAGE_FAILURE_BUDGET",
  pageSize: "NODE_IMAGE_PAGE_SIZE",
  concurrency: "NODE_IMAGE_CONCURRENCY"
} as const;

/** Monday 00:00 UTC: the rollout of ISO week W starts as W begins, so a trigger anywhere in W maps to it. */
export const DEFAULT_ROLLOUT_SCHEDULE = "0 0 0 * * Mon";
export const DEFAULT_CATCHUP_SCHEDULE = "0 30 0 * * *";

/** The rollout policy from app settings; a malformed value fails with its setting named. */
export function rolloutPolicyFromSettings(env: Readonly<Record<string, string | undefined>> = process.env): RolloutPolicy {
  const num = (name: string): number | undefined => (env[name] === undefined || env[name] === "" ? undefined : Number(env[name]));
  return rolloutPolicyFrom({
    soakHours: num(NodeImageSettings.soakHours),
    failureBudgetRatio: num(NodeImageSettings.failureBudget),
    pageSize: num(NodeImageSettings.pageSize),
    concurrency: num(NodeImageSettings.concurrency),
    polling: pollingSettingsFrom(env)
  });
}

const cachedDeps = new Map<string, NodeImageActivityDeps>();

/**
 * Built on first use over the app's platform (settings, Cosmos store, clock, Teams posting), one set
 * per subscription (issue 31: a cluster is read and upgraded with its own subscription's client,
 * `subscriptionId` unset: the home subscription's). The ARM client (shared/azure, the one place
 * clients are built) does not retry, so a 429 goes back to the orchestration, which waits it out on
 * a durable timer instead of holding an activity (and, locally, sleeping on wall time while the
 * virtual clock stands still).
 */
export function nodeImageDeps(subscriptionId?: string): NodeImageActivityDeps {
  const p = platform();
  const key = (subscriptionId ?? p.config.subscriptionId).toLowerCase();
  const cached = cachedDeps.get(key);
  if (cached) return cached;
  const deps: NodeImageActivityDeps = {
    aks: p.activityArmFor(key).containerService, store: p.store, clock: p.clock, readiness: readinessDeps(p, key),
    teams: { webhookUrl: p.config.teamsWebhookUrl, publicBaseUrl: p.config.publicBaseUrl, post: (url, message) => p.postTeams(url, message) }
  };
  cachedDeps.set(key, deps);
  return deps;
}

/**
 * The occurrence a timer run stands for: the schedule status (the host's, on its clock) when there
 * is one, else now. The rollout's ISO week, and so its instance id, comes from it.
 */
export function occurrenceOf(timer: Partial<Timer> | undefined, fallback = Date.now()): Date {
  const status = (timer as { scheduleStatus?: { next?: string; last?: string }; ScheduleStatus?: { Next?: string } } | undefined);
  const next = status?.scheduleStatus?.next ?? status?.ScheduleStatus?.Next;
  const at = next ? Date.parse(next) : Number.NaN;
  return new Date(Number.isNaN(at) ? fallback : at);
}

df.app.orchestration(OrchestratorNames.nodeImageRollout, nodeImageRolloutOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageRing, nodeImageRingOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageClusterPage, clusterPageOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageUpgrade, nodeImageUpgradeOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageCatchUp, nodeImageCatchUpOrchestrator);

// The activities that read or write a cluster run on its subscription's clients (issue 31); the
// fleet-wide ones (plans, pages, records, summaries) on the home set.
const handlers = new Map<string, NodeImageActivities>();
const handlersFor = (subscriptionId?: string): NodeImageActivities => {
  const key = (subscriptionId ?? "").toLowerCase();
  let set = handlers.get(key);
  if (!set) handlers.set(key, (set = createNodeImageActivities(nodeImageDeps(subscriptionId))));
  return set;
};
let locate: ((input: unknown) => Promise<string | undefined>) | undefined;
/** The handlers on the subscription of the cluster `input` names. */
const onClusterOf = async (input: unknown): Promise<NodeImageActivities> => handlersFor(await (locate ??= byClusterRecord(platform()))(input));
registerActivities({
  [ActivityNames.planNodeImageRollout]: () => handlersFor().planNodeImageRollout(),
  [ActivityNames.listNodeImageRingPage]: (i) => handlersFor().listNodeImageRingPage(i),
  [ActivityNames.listNodeImageCatchUpPage]: (i) => handlersFor().listNodeImageCatchUpPage(i),
  [ActivityNames.recordNodeImageRollout]: (i) => handlersFor().recordNodeImageRollout(i),
  [ActivityNames.postNodeImageSummary]: (i) => handlersFor().postNodeImageSummary(i),
  [ActivityNames.readOperationCancellation]: (i) => handlersFor().readOperationCancellation(i),
  [ActivityNames.prepareNodeImageUpgrade]: async (i) => (await onClusterOf(i)).prepareNodeImageUpgrade(i),
  [ActivityNames.readNodeImageState]: async (i) => (await onClusterOf(i)).readNodeImageState(i),
  [ActivityNames.startNodeImageUpgrade]: async (i) => (await onClusterOf(i)).startNodeImageUpgrade(i),
  [ActivityNames.checkNodeImageUpgrade]: async (i) => (await onClusterOf(i)).checkNodeImageUpgrade(i)
} satisfies ActivityHandlers<keyof NodeImageActivities>);

app.timer("nodeImageRolloutTimer", {
  schedule: process.env[NodeImageSettings.rolloutSchedule] || DEFAULT_ROLLOUT_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    const result = await startWeeklyRollout(df.getClient(context), occurrenceOf(timer), { type: "timer", by: "nodeImageRolloutTimer" }, rolloutPolicyFromSettings());
    context.log(result.started ? `Started node-image rollout ${result.instanceId}` : `No rollout started: ${result.reason ?? ""}`);
  }
});

app.timer("nodeImageCatchUpTimer", {
  schedule: process.env[NodeImageSettings.catchUpSchedule] || DEFAULT_CATCHUP_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    const result = await startCatchUpCheck(df.getClient(context), occurrenceOf(timer), rolloutPolicyFromSettings());
    context.log(result.started ? `Started node-image catch-up check ${result.instanceId}` : `No catch-up check started: ${result.reason ?? ""}`);
  }
});
