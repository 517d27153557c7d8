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
 *   NODE_IMAGE_CONCURRENCY, NODE_IMAGE_POLL_FIRST_MINUTES, NODE_IMAGE_POLL_MAX_MINUTES: see rolloutPolicy.ts.
 */
import { randomUUID } from "node:crypto";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { armScope, createCredential, trustPolicies } from "../shared/azure";
import { platform } from "./runtime/platform";
import { InstanceIds, OrchestratorNames } from "../orchestrations/names";
import { createNodeImageActivities, type NodeImageActivityDeps } from "../orchestrations/nodeImageRollout/activities";
import { nodeImageCatchUpOrchestrator } from "../orchestrations/nodeImageRollout/catchUpOrchestrator";
import { clusterPageOrchestrator, stepOptions } from "../orchestrations/nodeImageRollout/clusterPageOrchestrator";
import type { CatchUpInput, NodeImageRolloutInput, NodeImageUpgradeInput } from "../orchestrations/nodeImageRollout/contracts";
import { nodeImageRolloutOrchestrator } from "../orchestrations/nodeImageRollout/nodeImageRolloutOrchestrator";
import { nodeImageUpgradeOrchestrator } from "../orchestrations/nodeImageRollout/nodeImageUpgradeOrchestrator";
import { nodeImageRingOrchestrator } from "../orchestrations/nodeImageRollout/ringOrchestrator";
import { isoWeekOf, nodeImageOperationId, rolloutPolicyFrom, type RolloutPolicy } from "../orchestrations/nodeImageRollout/rolloutPolicy";

export const NodeImageSettings = {
  rolloutSchedule: "NODE_IMAGE_ROLLOUT_SCHEDULE",
  catchUpSchedule: "NODE_IMAGE_CATCHUP_SCHEDULE",
  soakHours: "NODE_IMAGE_SOAK_HOURS",
  failureBudget: "NODE_IMAGE_FAILURE_BUDGET",
  pageSize: "NODE_IMAGE_PAGE_SIZE",
  concurrency: "NODE_IMAGE_CONCURRENCY",
  pollFirstMinutes: "NODE_IMAGE_POLL_FIRST_MINUTES",
  pollMaxMinutes: "NODE_IMAGE_POLL_MAX_MINUTES"
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
    pollFirstMinutes: num(NodeImageSettings.pollFirstMinutes),
    pollMaxMinutes: num(NodeImageSettings.pollMaxMinutes)
  });
}

let cachedDeps: NodeImageActivityDeps | undefined;

/**
 * Built on first use over the app's platform (settings, Cosmos store, clock, Teams posting). The
 * ARM client is this flow's own: it does not retry, so a 429 goes back to the orchestration, which
 * waits it out on a durable timer instead of holding an activity (and, locally, sleeping on wall
 * time while the virtual clock stands still).
 */
export function nodeImageDeps(): NodeImageActivityDeps {
  if (cachedDeps) return cachedDeps;
  const p = platform();
  const aks = new ContainerServiceClient(createCredential(p.config), p.config.subscriptionId, {
    endpoint: p.config.armEndpoint,
    credentials: { scopes: [armScope(p.config.armEndpoint)] },
    additionalPolicies: trustPolicies(p.config),
    retryOptions: { maxRetries: 0 }
  });
  cachedDeps = {
    aks, store: p.store, clock: p.clock,
    teams: { webhookUrl: p.config.teamsWebhookUrl, publicBaseUrl: p.config.publicBaseUrl, post: (url, message) => p.postTeams(url, message) }
  };
  return cachedDeps;
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

export interface StartResult {
  started: boolean;
  instanceId: string;
  reason?: string;
}

/**
 * Starts the rollout of the ISO week containing `at`, unless one exists for that week in any
 * state: a restart, a past-due run or a second trigger finds it and starts nothing.
 */
export async function startWeeklyRollout(client: Pick<df.DurableClient, "getStatus" | "startNew">, at: Date, trigger: NodeImageRolloutInput["trigger"], policy = rolloutPolicyFromSettings()): Promise<StartResult> {
  const week = isoWeekOf(at);
  const instanceId = InstanceIds.nodeImageRollout(week);
  const existing = await statusOf(client, instanceId);
  if (existing !== undefined) return { started: false, instanceId, reason: `rollout ${week} already exists (${existing})` };
  const input: NodeImageRolloutInput = { rolloutId: week, week, policy, trigger };
  try {
    await client.startNew(OrchestratorNames.nodeImageRollout, { instanceId, input });
  } catch (err) {
    // Two triggers racing: the extension refuses a second start of a running instance id.
    return { started: false, instanceId, reason: `rollout ${week} was started concurrently: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { started: true, instanceId };
}

/** Starts the daily catch-up check for the UTC date of `at`, once per date. */
export async function startCatchUpCheck(client: Pick<df.DurableClient, "getStatus" | "startNew">, at: Date, policy = rolloutPolicyFromSettings()): Promise<StartResult> {
  const date = at.toISOString().slice(0, 10);
  const instanceId = InstanceIds.nodeImageCatchUp(date);
  const existing = await statusOf(client, instanceId);
  if (existing !== undefined) return { started: false, instanceId, reason: `catch-up check ${date} already exists (${existing})` };
  const input: CatchUpInput = { date, policy };
  try {
    await client.startNew(OrchestratorNames.nodeImageCatchUp, { instanceId, input });
  } catch (err) {
    return { started: false, instanceId, reason: err instanceof Error ? err.message : String(err) };
  }
  return { started: true, instanceId };
}

/**
 * `POST /api/clusters/{id}/upgrades {kind: "nodeImage"}`: one cluster, now, window or not (the
 * operator's call; the record's trigger names them). Approvals still follow the cluster's policy.
 */
export async function startNodeImageUpgradeByHand(client: Pick<df.DurableClient, "startNew">, clusterId: string, requestedBy: string, policy = rolloutPolicyFromSettings()): Promise<{ instanceId: string; operationId: string }> {
  const source = `manual-${randomUUID().slice(0, 8)}`;
  const operationId = nodeImageOperationId(source, clusterId);
  const instanceId = InstanceIds.nodeImageUpgrade(source, clusterId);
  const input: NodeImageUpgradeInput & { options: { step: ReturnType<typeof stepOptions> } } = {
    operationId, clusterId, mode: "manual", requestedBy, options: { step: stepOptions(policy) }
  };
  await client.startNew(OrchestratorNames.nodeImageUpgrade, { instanceId, input });
  return { instanceId, operationId };
}

df.app.orchestration(OrchestratorNames.nodeImageRollout, nodeImageRolloutOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageRing, nodeImageRingOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageClusterPage, clusterPageOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageUpgrade, nodeImageUpgradeOrchestrator);
df.app.orchestration(OrchestratorNames.nodeImageCatchUp, nodeImageCatchUpOrchestrator);

// Activity handlers resolve their dependencies per call, so loading the app needs no settings.
for (const name of Object.keys(createNodeImageActivities(placeholderDeps()))) {
  df.app.activity(name, {
    handler: (input: unknown) => {
      const handlers = createNodeImageActivities(nodeImageDeps()) as unknown as Record<string, (input: unknown) => Promise<unknown>>;
      return handlers[name]!(input);
    }
  });
}

app.timer("nodeImageRolloutTimer", {
  schedule: process.env[NodeImageSettings.rolloutSchedule] || DEFAULT_ROLLOUT_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    const result = await startWeeklyRollout(df.getClient(context), occurrenceOf(timer), { type: "timer", by: "nodeImageRolloutTimer" });
    context.log(result.started ? `Started node-image rollout ${result.instanceId}` : `No rollout started: ${result.reason ?? ""}`);
  }
});

app.timer("nodeImageCatchUpTimer", {
  schedule: process.env[NodeImageSettings.catchUpSchedule] || DEFAULT_CATCHUP_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    const result = await startCatchUpCheck(df.getClient(context), occurrenceOf(timer));
    context.log(result.started ? `Started node-image catch-up check ${result.instanceId}` : `No catch-up check started: ${result.reason ?? ""}`);
  }
});

/** The runtime status of an instance, or undefined when none exists (durable-functions 3 throws on the extension's 404). */
async function statusOf(client: Pick<df.DurableClient, "getStatus">, instanceId: string): Promise<string | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showHistory: false, showHistoryOutput: false, showInput: false });
    return status.runtimeStatus ?? "Unknown";
  } catch (err) {
    if (err instanceof Error && /\b404\b/.test(err.message)) return undefined;
    throw err;
  }
}

/** Only the names of the activities are needed at registration; nothing is called on these. */
function placeholderDeps(): NodeImageActivityDeps {
  return {} as NodeImageActivityDeps;
}
