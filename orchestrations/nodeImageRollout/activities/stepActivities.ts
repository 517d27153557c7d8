import type { StartStepResult, StepState } from "../../common/contracts";
import type { NodeImageStepRequest } from "../contracts";
import { ArmCallError, failureOf, coordinatesOf, type NodeImageActivityDeps } from "./deps";
import { armPhaseOf, isArmInProgress, operationLocationOfState } from "../../../shared/azure/arm-operations";
import { readArmOperationStatus } from "../../../shared/azure/arm-resources";
import { isRetryable } from "../../../shared/domain/failures";

/**
 * Starts `upgradeNodeImageVersion` on one pool and returns at once: the orchestration polls.
 * Write first, read only when AKS refuses: the step was planned from a read of the pool, so the
 * first delivery needs no read of its own (one ARM request per pool saved at fleet scale). A
 * re-run activity (at-least-once delivery) meets AKS's 409 while its first POST still rolls the
 * pool, and then reads the pool: rolling its node image means in progress (that roll is waited
 * for), on a new image means done, anything else is a `conflict` (another operation holds the
 * cluster), which the step waits out on a durable timer. A 429 goes back to the activity proxy.
 * `armOperationId` is the SDK poller's serialized state: the check reads the status URL it names
 * (the operation's own status, with its error) rather than guessing from the pool.
 */
export function createStartNodeImageUpgrade(deps: Pick<NodeImageActivityDeps, "aks">) {
  return async (request: NodeImageStepRequest): Promise<StartStepResult> => {
    const { resourceGroup, cluster } = coordinatesOf(request.resourceId);
    const pool = request.step.pool;
    try {
      const poller = deps.aks.agentPools.upgradeNodeImageVersion(resourceGroup, cluster, pool, { updateIntervalInMs: 0 });
      await poller.submitted();
      return { outcome: "started", armOperationId: await poller.serialize() };
    } catch (err) {
      const failure = failureOf(err);
      // Throttling goes back to the engine's activity proxy, which waits Retry-After on a durable timer.
      if (failure.kind === "throttled") throw err;
      if (failure.kind === "conflict") return classifyConflict(deps, request, { code: failure.code, message: failure.message });
      throw new ArmCallError("AgentPools_UpgradeNodeImageVersion", `${request.resourceId}/agentPools/${pool}`, { code: failure.code, message: failure.message }, failure.status);
    }
  };
}

/** After AKS's 409: is the pool already rolling its node image (a re-run's first POST), already on a new one, or held by something else? */
async function classifyConflict(deps: Pick<NodeImageActivityDeps, "aks">, request: NodeImageStepRequest, error: { code: string; message: string }): Promise<StartStepResult> {
  const { resourceGroup, cluster } = coordinatesOf(request.resourceId);
  const pool = request.step.pool;
  try {
    const current = await deps.aks.agentPools.get(resourceGroup, cluster, pool);
    if (current.provisioningState === "UpgradingNodeImageVersion") return { outcome: "inProgress" };
    if (current.provisioningState === "Succeeded" && current.nodeImageVersion && current.nodeImageVersion !== request.step.from) return { outcome: "alreadyDone" };
  } catch (err) {
    const failure = failureOf(err);
    if (failure.kind === "throttled") throw err;
    throw new ArmCallError("AgentPools_Get", `${request.resourceId}/agentPools/${pool}`, { code: failure.code, message: failure.message }, failure.status);
  }
  return { outcome: "conflict", error };
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
      if (armPhaseOf(state) === undefined || isArmInProgress(state)) return { state: "InProgress" };
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
  const location = operationLocationOfState(armOperationId);
  if (!location) return fallback;
  let status;
  try {
    // The platform's one reader of an operation's status (shared/azure/arm-resources.ts), through the client's pipeline.
    status = await readArmOperationStatus(deps.aks.pipeline, "", location);
  } catch (err) {
    // A throttled or failing read is thrown (the poll comes again); any other refusal is the step's answer.
    const failure = failureOf(err);
    if (isRetryable(failure)) throw err;
    return { state: "Failed", error: { code: failure.code, message: failure.message } };
  }
  if (status.phase === "inProgress") return { state: "InProgress" };
  if (status.phase === "succeeded") return fallback;
  return { state: "Failed", error: status.error ?? { code: `Operation${status.status}`, message: `The node-image operation ended ${status.status}` } };
}
