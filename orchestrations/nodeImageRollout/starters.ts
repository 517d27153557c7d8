/**
 * Starting node-image work through a durable client: the weekly rollout and the daily catch-up
 * check (timers, functions/nodeImageRollout.ts) and one cluster by hand (`POST
 * /api/clusters/{id}/upgrades {kind: "nodeImage"}`). No registrations here, so the HTTP handlers
 * can import it; the time comes from the caller (the timer's occurrence, the platform clock).
 */
import type { DurableClient } from "durable-functions";
import type { NodeImageUpgradeOptions } from "./nodeImageUpgradeOrchestrator";
import { InstanceIds, OrchestratorNames } from "../names";
import { instanceRuntimeStatus as statusOf } from "../common/instanceStatus";
import type { CatchUpInput, NodeImageRolloutInput, NodeImageUpgradeInput } from "./contracts";
import { defaultRolloutPolicy, isoWeekOf, nodeImageOperationId, type RolloutPolicy } from "./rolloutPolicy";

export interface StartResult {
  started: boolean;
  instanceId: string;
  reason?: string;
}

type Client = Pick<DurableClient, "getStatus" | "startNew">;

/**
 * Starts the rollout of the ISO week containing `at`, unless one exists for that week in any
 * state: a restart, a past-due run or a second trigger finds it and starts nothing.
 */
export async function startWeeklyRollout(client: Client, at: Date, trigger: NodeImageRolloutInput["trigger"], policy: RolloutPolicy = defaultRolloutPolicy): Promise<StartResult> {
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
export async function startCatchUpCheck(client: Client, at: Date, policy: RolloutPolicy = defaultRolloutPolicy): Promise<StartResult> {
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
 * One cluster, now, window or not: the operator's call, recorded as the trigger (`http`, by the
 * caller). Approvals still follow the cluster's policy. `at` (the platform clock) names the
 * operation, so two requests in the same second are one operation.
 */
export async function startNodeImageUpgradeByHand(client: Client, clusterId: string, requestedBy: string, at: Date, options?: NodeImageUpgradeOptions): Promise<StartResult & { operationId: string }> {
  const source = `manual-${at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
  const operationId = nodeImageOperationId(source, clusterId);
  const instanceId = InstanceIds.nodeImageUpgrade(source, clusterId);
  if ((await statusOf(client, instanceId)) !== undefined) return { started: false, instanceId, operationId, reason: "already started" };
  const input: NodeImageUpgradeInput & { options?: NodeImageUpgradeOptions } = { operationId, clusterId, mode: "manual", requestedBy, ...(options ? { options } : {}) };
  try {
    await client.startNew(OrchestratorNames.nodeImageUpgrade, { instanceId, input });
  } catch (err) {
    // Parallel requests of the same second race between the check and the start: the extension
    // refuses the second start of a running instance id (HTTP 409), which means "already started".
    if ((await statusOf(client, instanceId)) !== undefined) return { started: false, instanceId, operationId, reason: "already started" };
    throw err;
  }
  return { started: true, instanceId, operationId };
}

