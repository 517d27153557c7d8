import type { ArmStepRequest } from "../../common/armStep";
import type { ArmErrorInfo, StartStepResult, StepState } from "../../common/contracts";
import { clusterRef } from "../../common/activities/armIds";
import { isOperationConflict, permanentUnlessRetryable } from "../../common/activities/errors";
import { failureOf } from "../../../shared/domain/failures";
import type { StorePort } from "../../common/activities/ports";
import { armOperationIdOf, type AksPort, type ReadAsyncOperation } from "./armPorts";
import { isArmInProgress } from "../../../shared/azure/arm-operations";

export interface UpgradeStepDeps {
  aks: AksPort;
  readAsyncOperation: ReadAsyncOperation;
  /**
   * Where the started ARM operation's id is kept at once: a re-run of the start (its first
   * completion lost in a crash) finds the resource already moving and takes the id from here, so
   * a failure can still be explained with the async operation's error.
   */
  store: Pick<StorePort, "operations">;
}

/** AKS provisioning states that mean an operation is still running on the resource. */
/** ARM still changing the cluster or pool (shared/azure/arm-operations.ts, ARM's one state table). */
const isRunning = isArmInProgress;

/**
 * Starts one upgrade step without waiting for it (the orchestration polls). Idempotent: reads
 * first, and answers `alreadyDone` when ARM already shows the target version, `inProgress` when
 * the resource is already moving to it (an earlier run of this activity whose completion was lost).
 * Control plane: a full PUT of the managed cluster with the new `kubernetesVersion` and every pool
 * pinned to its current `orchestratorVersion`, as `az aks upgrade --control-plane-only` does (a pool
 * without an explicit version would follow the control plane). Node pool: a PUT of the agent pool
 * with the new `orchestratorVersion`. `409 OperationNotAllowed` → `conflict` (the orchestration
 * backs off); any other ARM error is permanent.
 */
export function createStartUpgradeStepActivity(deps: UpgradeStepDeps): (request: ArmStepRequest) => Promise<StartStepResult> {
  return async (request) => {
    const ref = clusterRef(request.resourceId);
    const { step } = request;
    try {
      if (step.kind === "controlPlane") {
        const cluster = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
        if (cluster.currentKubernetesVersion === step.to && !isRunning(cluster.provisioningState)) return { outcome: "alreadyDone" };
        if (isRunning(cluster.provisioningState) && cluster.kubernetesVersion === step.to) return inProgress(deps, request);
        const body = {
          ...cluster,
          kubernetesVersion: step.to,
          agentPoolProfiles: (cluster.agentPoolProfiles ?? []).map((p) => ({ ...p, orchestratorVersion: p.currentOrchestratorVersion ?? p.orchestratorVersion }))
        };
        const poller = await deps.aks.managedClusters.beginCreateOrUpdate(ref.resourceGroup, ref.name, body);
        return started(deps, request, await armOperationIdOf(poller));
      }
      const poolName = step.pool ?? "";
      const pool = await deps.aks.agentPools.get(ref.resourceGroup, ref.name, poolName);
      if (pool.currentOrchestratorVersion === step.to && !isRunning(pool.provisioningState)) return { outcome: "alreadyDone" };
      if (isRunning(pool.provisioningState) && pool.orchestratorVersion === step.to) return inProgress(deps, request);
      const poller = await deps.aks.agentPools.beginCreateOrUpdate(ref.resourceGroup, ref.name, poolName, { ...pool, orchestratorVersion: step.to });
      return started(deps, request, await armOperationIdOf(poller));
    } catch (err) {
      const failure = failureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      // Throttling, 5xx and dropped connections are retried by the engine's activity proxy on durable timers.
      permanentUnlessRetryable(err, request.clusterId, `Starting step ${step.index + 1} (${step.kind}${step.pool ? ` ${step.pool}` : ""} → ${step.to})`);
    }
  };
}

/** Which operation step an ARM change belongs to. */
export interface StepRef {
  clusterId: string;
  operationId: string;
  step: { index: number };
}

/** Answers `started` after keeping the ARM operation id on the operation's step (see `UpgradeStepDeps.store`). */
export async function started(deps: Pick<UpgradeStepDeps, "store">, request: StepRef, armOperationId: string | undefined): Promise<StartStepResult> {
  if (armOperationId) {
    await deps.store.operations.mutate(request.clusterId, request.operationId, (op) => {
      const i = op.steps.findIndex((s) => s.index === request.step.index);
      if (i < 0 || op.steps[i]!.armOperationId === armOperationId) return undefined;
      const steps = [...op.steps];
      steps[i] = { ...steps[i]!, armOperationId };
      return { ...op, steps };
    });
  }
  return { outcome: "started", ...(armOperationId ? { armOperationId } : {}) };
}

/** Answers `inProgress` with the ARM operation id an earlier run kept on the step, if any. */
export async function inProgress(deps: Pick<UpgradeStepDeps, "store">, request: StepRef): Promise<StartStepResult> {
  const op = (await deps.store.operations.get(request.clusterId, request.operationId))?.doc;
  const armOperationId = op?.steps.find((s) => s.index === request.step.index)?.armOperationId;
  return { outcome: "inProgress", ...(armOperationId ? { armOperationId } : {}) };
}

/**
 * One poll of a running step: a GET of the resource (provisioning state and version). On failure
 * the error comes from the async operation when its id is known (AKS leaves only
 * `provisioningState: Failed` on the resource), else from the resource's state.
 */
export function createCheckUpgradeStepActivity(deps: UpgradeStepDeps): (request: ArmStepRequest & { armOperationId?: string }) => Promise<StepState> {
  return async (request) => {
    const ref = clusterRef(request.resourceId);
    const { step } = request;
    const resource = step.kind === "controlPlane"
      ? await deps.aks.managedClusters.get(ref.resourceGroup, ref.name).then((c) => ({ state: c.provisioningState, version: c.currentKubernetesVersion }))
      : await deps.aks.agentPools.get(ref.resourceGroup, ref.name, step.pool ?? "").then((p) => ({ state: p.provisioningState, version: p.currentOrchestratorVersion }));
    if (isRunning(resource.state)) return { state: "InProgress" };
    if ((resource.state ?? "").toLowerCase() === "succeeded" && resource.version === step.to) return { state: "Succeeded" };
    return { state: "Failed", error: await stepErrorOf(deps, request, resource) };
  };
}

async function stepErrorOf(deps: UpgradeStepDeps, request: ArmStepRequest & { armOperationId?: string }, resource: { state?: string; version?: string }): Promise<ArmErrorInfo> {
  if (request.armOperationId) {
    try {
      const status = await deps.readAsyncOperation(request.armOperationId);
      if (status.error) return status.error;
    } catch {
      // The operation may have aged out of ARM's records; the resource's own state still tells what happened.
    }
  }
  // AKS's NodePoolRollingFailed event names only the pool (no error fields), so the error comes
  // from the async operation or, failing that, from the resource's own state.
  const what = request.step.kind === "controlPlane" ? "control plane" : `pool ${request.step.pool ?? "?"}`;
  return {
    code: (resource.state ?? "").toLowerCase() === "failed" ? "ProvisioningFailed" : "UnexpectedVersion",
    message: `The ${what} is ${resource.state ?? "in an unknown state"} at version ${resource.version ?? "?"} (expected ${request.step.to})`
  };
}
