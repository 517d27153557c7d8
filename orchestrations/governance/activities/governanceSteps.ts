/**
 * The governance step activities (factories over narrow ports; registered `guarded` in
 * functions/runtime/activities.ts). Each reads ARM first and writes only what differs, so a re-run
 * (a lost completion, a duplicate trigger) and the platform's own write events change nothing.
 */
import type { ConsumptionManagementClient } from "@azure/arm-consumption";
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { MonitorClient } from "@azure/arm-monitor";
import type { StartStepResult, StepState } from "../../common/contracts";
import { clusterRef } from "../../common/activities/armIds";
import { armFailureOf, isOperationConflict, PermanentArmError } from "../../common/activities/errors";
import { isRetryable } from "../../../shared/domain/failures";
import { compareDiagnosticSettings, desiredDiagnosticSetting } from "../../../shared/domain/governance/diagnostics";
import { compareBudget, desiredBudget } from "../../../shared/domain/governance/budget";
import type { StepAction } from "../../engine/plan";

export interface GovernanceStepRequest<A extends StepAction["type"]> {
  clusterId: string;
  operationId: string;
  resourceId: string;
  action: Extract<StepAction, { type: A }>;
  step: { index: number };
}

export interface GovernanceStepDeps {
  monitor: { diagnosticSettings: Pick<MonitorClient["diagnosticSettings"], "get" | "createOrUpdate"> };
  consumption: { budgets: Pick<ConsumptionManagementClient["budgets"], "get" | "createOrUpdate"> };
  aks: {
    managedClusters: Pick<ContainerServiceClient["managedClusters"], "get" | "beginStop">;
    agentPools: Pick<ContainerServiceClient["agentPools"], "get" | "beginCreateOrUpdate">;
  };
  clock: { now(): number };
}

const notFound = (err: unknown): boolean => armFailureOf(err).status === 404;

async function orNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
}

function rethrow(err: unknown, clusterId: string, what: string): never {
  const failure = armFailureOf(err);
  if (isRetryable(failure)) throw err;
  throw new PermanentArmError(clusterId, what, failure);
}

/** PUT of the platform's diagnostic setting, unless ARM already has it as desired. */
export function createPutDiagnosticSettingActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"diagnosticSettingPut">) => Promise<StartStepResult> {
  return async (r) => {
    try {
      const current = await orNotFound(deps.monitor.diagnosticSettings.get(r.resourceId, r.action.name));
      const verdict = compareDiagnosticSettings(current ? [{ ...current, name: current.name ?? r.action.name }] : [], r.action.workspaceId);
      if (!verdict.write) return { outcome: "alreadyDone" };
      const desired = desiredDiagnosticSetting(r.action.workspaceId);
      // Metrics as they were (the platform governs log categories only).
      await deps.monitor.diagnosticSettings.createOrUpdate(r.resourceId, r.action.name, {
        workspaceId: desired.workspaceId, logs: desired.logs, ...(current?.metrics ? { metrics: current.metrics } : {})
      });
      return { outcome: "started" };
    } catch (err) {
      return rethrow(err, r.clusterId, `Writing the diagnostic setting ${r.action.name}`);
    }
  };
}

/** PUT of the platform's budget on the cluster's resource group, unless ARM already has it as desired. */
export function createPutBudgetActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"budgetPut">) => Promise<StartStepResult> {
  return async (r) => {
    const { scope, name, amount, actionGroupId } = r.action;
    try {
      const current = await orNotFound(deps.consumption.budgets.get(scope, name));
      const desired = desiredBudget(amount, actionGroupId, deps.clock.now());
      if (compareBudget(current, desired).status === "pass") return { outcome: "alreadyDone" };
      await deps.consumption.budgets.createOrUpdate(scope, name, {
        category: desired.category, amount: desired.amount, timeGrain: desired.timeGrain,
        // An existing budget keeps its start (a past start within the grain is what Azure expects).
        timePeriod: current?.timePeriod ?? { startDate: new Date(desired.timePeriod.startDate) },
        ...(current?.filter ? { filter: current.filter } : {}),
        notifications: desired.notifications,
        ...(current?.eTag ? { eTag: current.eTag } : {})
      });
      return { outcome: "started" };
    } catch (err) {
      return rethrow(err, r.clusterId, `Writing the budget ${name}`);
    }
  };
}

const RUNNING = new Set(["creating", "updating", "upgrading", "scaling", "starting", "stopping", "deleting", "canceling"]);

/** Scales a pool to `count` (autoscaler off, so the count holds). */
export function createStartPoolScaleActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"poolScale">) => Promise<StartStepResult> {
  return async (r) => {
    const ref = clusterRef(r.resourceId);
    try {
      const pool = await deps.aks.agentPools.get(ref.resourceGroup, ref.name, r.action.pool);
      const running = RUNNING.has((pool.provisioningState ?? "").toLowerCase());
      if (pool.count === r.action.count && !pool.enableAutoScaling) return running ? { outcome: "inProgress" } : { outcome: "alreadyDone" };
      const { minCount: _min, maxCount: _max, ...rest } = pool;
      await deps.aks.agentPools.beginCreateOrUpdate(ref.resourceGroup, ref.name, r.action.pool, { ...rest, enableAutoScaling: false, count: r.action.count });
      return { outcome: "started" };
    } catch (err) {
      const failure = armFailureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      return rethrow(err, r.clusterId, `Scaling pool ${r.action.pool} to ${r.action.count}`);
    }
  };
}

export function createCheckPoolScaleActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"poolScale">) => Promise<StepState> {
  return async (r) => {
    const ref = clusterRef(r.resourceId);
    const pool = await deps.aks.agentPools.get(ref.resourceGroup, ref.name, r.action.pool);
    const state = (pool.provisioningState ?? "").toLowerCase();
    if (state === "failed") return { state: "Failed", error: { code: "PoolScaleFailed", message: `Pool ${r.action.pool} ended Failed while scaling to ${r.action.count}` } };
    return state === "succeeded" && pool.count === r.action.count ? { state: "Succeeded" } : { state: "InProgress" };
  };
}

export function createStartClusterStopActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"clusterStop">) => Promise<StartStepResult> {
  return async (r) => {
    const ref = clusterRef(r.resourceId);
    try {
      const cluster = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
      if (cluster.powerState?.code === "Stopped") return { outcome: "alreadyDone" };
      if ((cluster.provisioningState ?? "").toLowerCase() === "stopping") return { outcome: "inProgress" };
      await deps.aks.managedClusters.beginStop(ref.resourceGroup, ref.name);
      return { outcome: "started" };
    } catch (err) {
      const failure = armFailureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      return rethrow(err, r.clusterId, "Stopping the cluster");
    }
  };
}

export function createCheckClusterStopActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"clusterStop">) => Promise<StepState> {
  return async (r) => {
    const ref = clusterRef(r.resourceId);
    const cluster = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
    if ((cluster.provisioningState ?? "").toLowerCase() === "failed") return { state: "Failed", error: { code: "ClusterStopFailed", message: "The cluster ended Failed while stopping" } };
    return cluster.powerState?.code === "Stopped" ? { state: "Succeeded" } : { state: "InProgress" };
  };
}
