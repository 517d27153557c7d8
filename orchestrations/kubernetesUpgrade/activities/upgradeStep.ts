import type { ArmStepRequest } from "../../common/armStep";
import type { ArmErrorInfo, StartStepResult, StepState } from "../../common/contracts";
import { clusterRef } from "../../common/activities/armIds";
import { isOperationConflict, permanentUnlessRetryable } from "../../common/activities/errors";
import { failureOf } from "../../../shared/domain/failures";
import type { StorePort } from "../../common/activities/ports";
import { armOperationIdOf, type AksPort, type ReadAsyncOperation } from "./armPorts";
import { upgradeSettingsOf } from "../../../shared/domain/policy";
import { quarantinedNodesOf } from "../../../shared/domain/readiness";
import { isArmInProgress } from "../../../shared/azure/arm-operations";

export interface UpgradeStepDeps {
  aks: AksPort;
  readAsyncOperation: ReadAsyncOperation;
  /**
   * Where the started ARM operation's id is kept at once: a re-run of the start (its first
   * completion lost in a crash) finds the resource already moving and takes the id from here, so
   * a failure can still be explained with the async operation's error.
   */
  store: Pick<StorePort, "operations"> & Partial<Pick<StorePort, "clusters">>;
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
        // An approved force decision (AKS's deprecated-API block) travels with this PUT as the
        // cluster's override, bounded by its `until` (forceUpgrade.ts); never without one.
        const force = await forceOf(deps, request);
        const body = {
          ...cluster,
          kubernetesVersion: step.to,
          agentPoolProfiles: (cluster.agentPoolProfiles ?? []).map((p) => ({ ...p, orchestratorVersion: p.currentOrchestratorVersion ?? p.orchestratorVersion })),
          ...(force ? { upgradeSettings: { ...cluster.upgradeSettings, overrideSettings: { forceUpgrade: true, until: new Date(force.until) } } } : {})
        };
        const poller = await deps.aks.managedClusters.beginCreateOrUpdate(ref.resourceGroup, ref.name, body);
        return started(deps, request, await armOperationIdOf(poller));
      }
      const poolName = step.pool ?? "";
      const pool = await deps.aks.agentPools.get(ref.resourceGroup, ref.name, poolName);
      if (pool.currentOrchestratorVersion === step.to && !isRunning(pool.provisioningState)) return { outcome: "alreadyDone" };
      if (isRunning(pool.provisioningState) && pool.orchestratorVersion === step.to) return inProgress(deps, request);
      // The policy's drain settings are written with the upgrade itself (the same PUT): AKS applies a
      // pool's upgradeSettings to the upgrade that PUT starts.
      const drain = await drainOf(deps, request.clusterId);
      const poller = await deps.aks.agentPools.beginCreateOrUpdate(ref.resourceGroup, ref.name, poolName, {
        ...pool, orchestratorVersion: step.to, ...(drain ? { upgradeSettings: { ...pool.upgradeSettings, ...drain } } : {})
      });
      return started(deps, request, await armOperationIdOf(poller));
    } catch (err) {
      const failure = failureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      // Throttling, 5xx and dropped connections are retried by the engine's activity proxy on durable timers.
      permanentUnlessRetryable(err, request.clusterId, `Starting step ${step.index + 1} (${step.kind}${step.pool ? ` ${step.pool}` : ""} → ${step.to})`);
    }
  };
}

/** The approved force decision of the operation, while it has not been cleared. */
async function forceOf(deps: Pick<UpgradeStepDeps, "store">, request: StepRef): Promise<{ until: string } | undefined> {
  const op = (await deps.store.operations.get(request.clusterId, request.operationId))?.doc;
  const force = op?.forceUpgrade;
  return force && !force.clearedAt && force.step === request.step.index ? { until: force.until } : undefined;
}

/**
 * The pool's drain settings from the cluster's policy (`upgrade`: shared/domain/policy.ts), as
 * AKS's AgentPoolUpgradeSettings fields; `maxBlockedNodes` only with Cordon (the spec: "allowed to
 * be blocked ... when undrainable node behavior is Cordon").
 */
export async function drainOf(deps: Pick<UpgradeStepDeps, "store">, clusterId: string): Promise<{ drainTimeoutInMinutes: number; undrainableNodeBehavior: string; maxBlockedNodes?: string } | undefined> {
  const cluster = deps.store.clusters ? (await deps.store.clusters.get(clusterId))?.doc : undefined;
  if (!cluster) return undefined;
  const s = upgradeSettingsOf(cluster.policy, cluster.environment);
  return {
    drainTimeoutInMinutes: s.drainTimeoutInMinutes, undrainableNodeBehavior: s.undrainableNodeBehavior,
    ...(s.undrainableNodeBehavior === "Cordon" && s.maxBlockedNodes ? { maxBlockedNodes: s.maxBlockedNodes } : {})
  };
}

/** Keeps the cordoned nodes of a pool step on the operation (once per step). */
async function recordCordoned(deps: Pick<UpgradeStepDeps, "store">, request: StepRef, pool: string, nodes: string[], source: string): Promise<void> {
  await deps.store.operations.mutate(request.clusterId, request.operationId, (op) => {
    const kept = (op.cordonedNodes ?? []).filter((c) => c.step !== request.step.index);
    const same = op.cordonedNodes?.find((c) => c.step === request.step.index);
    if (same && same.nodes.join() === nodes.join()) return undefined;
    return { ...op, cordonedNodes: [...kept, { step: request.step.index, pool, nodes, source }].sort((a, b) => a.step - b.step) };
  });
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
    const error = await stepErrorOf(deps, request, resource);
    // undrainableNodeBehavior Cordon: AKS upgraded every node it could drain and cordoned the rest,
    // yet ends the operation Failed. The pool runs the target: the step succeeded, and the nodes
    // left cordoned are recorded on the operation for an operator to fix or delete.
    const cordoned = step.kind === "nodePool" && resource.version === step.to ? quarantinedNodesOf(error) : [];
    if (cordoned.length > 0) {
      await recordCordoned(deps, request, step.pool ?? "", cordoned, `${error.code}: ${error.message.slice(0, 500)}`);
      return { state: "Succeeded" };
    }
    return { state: "Failed", error };
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
