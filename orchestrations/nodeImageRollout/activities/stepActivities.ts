import { restorePoller } from "@azure/arm-containerservice";
import type { StartStepResult, StepState } from "../../common/contracts";
import type { NodeImageStepRequest } from "../contracts";
import { ArmCallError, failureOf, coordinatesOf, type NodeImageActivityDeps } from "./deps";

/** Pool states after which nothing more happens; anything else (`Upgrading`, `UpgradingNodeImageVersion`, `Scaling`, ...) is still running. */
const SETTLED = new Set(["succeeded", "failed", "canceled", "cancelled"]);

/**
 * Starts `upgradeNodeImageVersion` on one pool and returns at once: the orchestration polls.
 * Read, compare, then write: a re-run activity (at-least-once delivery) finds the pool already on
 * the target or already rolling and does not start a second reimage. A 409 (another operation holds
 * the cluster) and a 429 come back as `conflict`, which runArmStep waits out on a durable timer.
 * `armOperationId` is the SDK poller's serialized state: the check resumes that poller, so it reads
 * the operation's own status (with its error) rather than guessing from the pool.
 */
export function createStartNodeImageUpgrade(deps: Pick<NodeImageActivityDeps, "aks">) {
  return async (request: NodeImageStepRequest): Promise<StartStepResult> => {
    const { resourceGroup, cluster } = coordinatesOf(request.resourceId);
    const pool = request.step.pool;
    try {
      const current = await deps.aks.agentPools.get(resourceGroup, cluster, pool);
      if (current.provisioningState === "Succeeded" && current.nodeImageVersion && current.nodeImageVersion !== request.step.from) {
        return { outcome: "alreadyDone" };
      }
      if (current.provisioningState === "UpgradingNodeImageVersion") return { outcome: "inProgress" };
      const poller = deps.aks.agentPools.upgradeNodeImageVersion(resourceGroup, cluster, pool, { updateIntervalInMs: 0 });
      await poller.submitted();
      return { outcome: "started", armOperationId: await poller.serialize() };
    } catch (err) {
      const failure = failureOf(err);
      // Throttling goes back to the engine's activity proxy, which waits Retry-After on a durable timer.
      if (failure.kind === "throttled") throw err;
      if (failure.kind === "conflict") return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      throw new ArmCallError("AgentPools_UpgradeNodeImageVersion", `${request.resourceId}/agentPools/${pool}`, { code: failure.code, message: failure.message }, failure.status);
    }
  };
}

/**
 * One poll of a pool's node-image upgrade: one GET of the pool, which says all a step needs while
 * the upgrade runs and once it succeeded (provisioning state and node image). Only when the pool
 * did not end on a new image is the operation itself read (the resumed poller, one more GET), for
 * the error AKS gave. A throttled poll is just "still in progress": the next poll comes anyway.
 */
export function createCheckNodeImageUpgrade(deps: Pick<NodeImageActivityDeps, "aks">) {
  return async (request: NodeImageStepRequest): Promise<StepState> => {
    const { resourceGroup, cluster } = coordinatesOf(request.resourceId);
    try {
      const pool = await deps.aks.agentPools.get(resourceGroup, cluster, request.step.pool);
      const state = pool.provisioningState ?? "";
      if (!SETTLED.has(state.toLowerCase())) return { state: "InProgress" };
      if (state === "Succeeded" && pool.nodeImageVersion !== request.step.from) return { state: "Succeeded" };
      const unchanged: StepState = {
        state: "Failed",
        error: { code: state === "Succeeded" ? "NodeImageUnchanged" : `Pool${state}`, message: `Pool ${request.step.pool} is ${state} on ${pool.nodeImageVersion ?? "?"}` }
      };
      return request.armOperationId ? await operationState(deps, request.armOperationId, unchanged) : unchanged;
    } catch (err) {
      const failure = failureOf(err);
      if (failure.kind === "throttled") return { state: "InProgress" };
      throw new ArmCallError("AgentPools_NodeImageStatus", `${request.resourceId}/agentPools/${request.step.pool}`, { code: failure.code, message: failure.message }, failure.status);
    }
  };
}

/**
 * The operation's own verdict when the pool did not end on a new image: its error when it failed,
 * in progress when the pool's state ran ahead of it, else `fallback` (it succeeded and changed nothing).
 */
async function operationState(deps: Pick<NodeImageActivityDeps, "aks">, armOperationId: string, fallback: StepState): Promise<StepState> {
  const poller = restorePoller(deps.aks, armOperationId, deps.aks.agentPools.upgradeNodeImageVersion, { updateIntervalInMs: 0 });
  try {
    await poller.poll();
  } catch (err) {
    if (poller.operationState?.status === "failed" || !isHttpError(err)) {
      const failure = failureOf(err);
      return { state: "Failed", error: { code: failure.code, message: failure.message } };
    }
    throw err;
  }
  return poller.isDone ? fallback : { state: "InProgress" };
}

/** An HTTP-level failure of the poll itself (429, 5xx), as opposed to the operation reporting failure. */
function isHttpError(err: unknown): boolean {
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" && (status === 429 || status >= 500);
}
