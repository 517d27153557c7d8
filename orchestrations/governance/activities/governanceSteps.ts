/**
 * The governance step activities (factories over narrow ports; registered `guarded` in
 * functions/runtime/activities.ts). Each reads ARM first and writes only what differs, so a re-run
 * (a lost completion, a duplicate trigger) and the platform's own write events change nothing.
 */
import type { ConsumptionManagementClient } from "@azure/arm-consumption";
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { DiagnosticSettingsResource, MonitorClient } from "@azure/arm-monitor";
import type { StartStepResult, StepState } from "../../common/contracts";
import { clusterRef } from "../../common/activities/armIds";
import { isOperationConflict, permanentUnlessRetryable } from "../../common/activities/errors";
import { failureOf, unlessNotFound } from "../../../shared/domain/failures";
import { planDiagnostics } from "../../../shared/domain/governance/diagnostics";
import { DESIRED_RESOURCE_LOGS } from "../../../shared/domain/governance/logCategories";
import { compareBudget, desiredBudget } from "../../../shared/domain/governance/budget";
import type { StepAction } from "../../engine/plan";
import { isArmInProgress } from "../../../shared/azure/arm-operations";

export interface GovernanceStepRequest<A extends StepAction["type"]> {
  clusterId: string;
  operationId: string;
  resourceId: string;
  action: Extract<StepAction, { type: A }>;
  step: { index: number };
}

export interface GovernanceStepDeps {
  monitor: { diagnosticSettings: Pick<MonitorClient["diagnosticSettings"], "list" | "createOrUpdate"> };
  consumption: { budgets: Pick<ConsumptionManagementClient["budgets"], "get" | "createOrUpdate"> };
  aks: {
    managedClusters: Pick<ContainerServiceClient["managedClusters"], "get" | "beginStop">;
    agentPools: Pick<ContainerServiceClient["agentPools"], "get" | "beginCreateOrUpdate">;
  };
  clock: { now(): number };
}


/**
 * Converges the settings of the resource that send to the workspace (planDiagnostics on what ARM
 * has now): the writes that take categories away first, then the one that adds them, so Azure
 * never sees one category to one sink in two settings. Each write keeps the setting's metrics and
 * destinations as ARM has them. A re-run finds nothing to write.
 */
export function createPutDiagnosticSettingActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"diagnosticSettingPut">) => Promise<StartStepResult> {
  return async (r) => {
    const resourceId = r.action.resourceId ?? r.resourceId;
    const desired = DESIRED_RESOURCE_LOGS[r.action.kind ?? "cluster"];
    try {
      const current: DiagnosticSettingsResource[] = [];
      for await (const s of deps.monitor.diagnosticSettings.list(resourceId)) current.push(s);
      const plan = planDiagnostics(current.map((s) => ({
        name: s.name ?? "", workspaceId: s.workspaceId, storageAccountId: s.storageAccountId, eventHubAuthorizationRuleId: s.eventHubAuthorizationRuleId,
        marketplacePartnerId: s.marketplacePartnerId, logs: s.logs
      })), r.action.workspaceId, desired);
      if (plan.writes.length === 0) return { outcome: "alreadyDone" };
      for (const w of plan.writes) {
        const existing = current.find((s) => (s.name ?? "").toLowerCase() === w.name.toLowerCase());
        const logs = w.logs.map((l) => ({ ...(l.category !== undefined ? { category: l.category } : {}), ...(l.categoryGroup !== undefined ? { categoryGroup: l.categoryGroup } : {}), enabled: l.enabled }));
        const body: DiagnosticSettingsResource = existing && !w.create
          ? {
            ...(existing.workspaceId ? { workspaceId: existing.workspaceId } : {}), ...(existing.storageAccountId ? { storageAccountId: existing.storageAccountId } : {}),
            ...(existing.eventHubAuthorizationRuleId ? { eventHubAuthorizationRuleId: existing.eventHubAuthorizationRuleId } : {}), ...(existing.eventHubName ? { eventHubName: existing.eventHubName } : {}),
            ...(existing.marketplacePartnerId ? { marketplacePartnerId: existing.marketplacePartnerId } : {}), ...(existing.logAnalyticsDestinationType ? { logAnalyticsDestinationType: existing.logAnalyticsDestinationType } : {}),
            ...(existing.metrics ? { metrics: existing.metrics } : {}), logs
          }
          : { workspaceId: r.action.workspaceId, logs };
        await deps.monitor.diagnosticSettings.createOrUpdate(resourceId, w.name, body);
      }
      return { outcome: "started" };
    } catch (err) {
      return permanentUnlessRetryable(err, r.clusterId, `Converging the diagnostic settings of ${resourceId}`);
    }
  };
}

/** PUT of the platform's budget on the cluster's resource group, unless ARM already has it as desired. */
export function createPutBudgetActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"budgetPut">) => Promise<StartStepResult> {
  return async (r) => {
    const { scope, name, amount, actionGroupId } = r.action;
    try {
      const current = await unlessNotFound(deps.consumption.budgets.get(scope, name));
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
      return permanentUnlessRetryable(err, r.clusterId, `Writing the budget ${name}`);
    }
  };
}


/** Scales a pool to `count` (autoscaler off, so the count holds). */
export function createStartPoolScaleActivity(deps: GovernanceStepDeps): (r: GovernanceStepRequest<"poolScale">) => Promise<StartStepResult> {
  return async (r) => {
    const ref = clusterRef(r.resourceId);
    try {
      const pool = await deps.aks.agentPools.get(ref.resourceGroup, ref.name, r.action.pool);
      const running = isArmInProgress(pool.provisioningState);
      if (pool.count === r.action.count && !pool.enableAutoScaling) return running ? { outcome: "inProgress" } : { outcome: "alreadyDone" };
      const { minCount: _min, maxCount: _max, ...rest } = pool;
      await deps.aks.agentPools.beginCreateOrUpdate(ref.resourceGroup, ref.name, r.action.pool, { ...rest, enableAutoScaling: false, count: r.action.count });
      return { outcome: "started" };
    } catch (err) {
      const failure = failureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      return permanentUnlessRetryable(err, r.clusterId, `Scaling pool ${r.action.pool} to ${r.action.count}`);
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
      const failure = failureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      return permanentUnlessRetryable(err, r.clusterId, "Stopping the cluster");
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
