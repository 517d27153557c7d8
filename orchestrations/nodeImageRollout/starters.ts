/**
 * Starting node-image work through a durable client: the weekly rollout and the daily catch-up
 * check (timers, functions/nodeImageRollout.ts) and one cluster by hand (`POST
 * /api/clusters/{id}/upgrades {kind: "nodeImage"}`). No registrations here, so the HTTP handlers
 * can import it; the time comes from the caller (the timer's occurrence, the platform clock).
 */
import type { NodeImageUpgradeOptions } from "./nodeImageUpgradeOrchestrator";
import { InstanceIds, OrchestratorNames } from "../names";
import { startInstance, type StartClient } from "../startOperation";
import type { CatchUpInput, NodeImageRolloutInput, NodeImageUpgradeInput } from "./contracts";
import { defaultRolloutPolicy, isoWeekOf, nodeImageOperationId, type RolloutPolicy } from "./rolloutPolicy";

export interface StartResult {
  started: boolean;
  instanceId: string;
  reason?: string;
}

type Client = StartClient;

/**
 * Starts the rollout of the ISO week containing `at`, unless one exists for that week in any
 * state: a restart, a past-due run or a second trigger finds it and starts nothing.
 */
export async function startWeeklyRollout(client: Client, at: Date, trigger: NodeImageRolloutInput["trigger"], policy: RolloutPolicy = defaultRolloutPolicy): Promise<StartResult> {
  const week = isoWeekOf(at);
  const input: NodeImageRolloutInput = { rolloutId: week, week, policy, trigger };
  const started = await startInstance(client, OrchestratorNames.nodeImageRollout, InstanceIds.nodeImageRollout(week), input);
  return started.started ? started : { ...started, reason: `rollout ${week} already exists (${started.status})` };
}

/** Starts the daily catch-up check for the UTC date of `at`, once per date. */
export async function startCatchUpCheck(client: Client, at: Date, policy: RolloutPolicy = defaultRolloutPolicy): Promise<StartResult> {
  const date = at.toISOString().slice(0, 10);
  const input: CatchUpInput = { date, policy };
  const started = await startInstance(client, OrchestratorNames.nodeImageCatchUp, InstanceIds.nodeImageCatchUp(date), input);
  return started.started ? started : { ...started, reason: `catch-up check ${date} already exists (${started.status})` };
}

/**
 * One cluster, now, window or not: the operator's call, recorded as the trigger (`http`, by the
 * caller). Approvals still follow the cluster's policy. `at` (the platform clock) names the
 * operation, so two requests in the same second are one operation. Its record is written by the
 * orchestration's first activity, with the maintenance window it reads (prepareNodeImageUpgrade).
 */
export async function startNodeImageUpgradeByHand(client: Client, clusterId: string, requestedBy: string, at: Date, options?: NodeImageUpgradeOptions): Promise<StartResult & { operationId: string }> {
  const source = `manual-${at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
  const operationId = nodeImageOperationId(source, clusterId);
  const input: NodeImageUpgradeInput & { options?: NodeImageUpgradeOptions } = { operationId, clusterId, mode: "manual", requestedBy, ...(options ? { options } : {}) };
  const started = await startInstance(client, OrchestratorNames.nodeImageUpgrade, InstanceIds.nodeImageUpgrade(source, clusterId), input);
  return started.started ? { ...started, operationId } : { ...started, operationId, reason: "already started" };
}
