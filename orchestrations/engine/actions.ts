/**
 * Each step action's activities: `start` (idempotent; answers started / inProgress / alreadyDone /
 * conflict and never waits) and `check` (one read: InProgress / Succeeded / Failed), and the request
 * they take. The activities themselves are built by factories over narrow ports (the flows'
 * activities/ folders) and registered in functions/runtime.
 */
import { ActivityNames } from "../names";
import type { PlanStep, StepAction } from "./plan";
import type { StepActivityRequest, StepCheckActivity, StepStartActivity } from "../activities";

export interface StepTarget {
  clusterId: string;
  operationId: string;
  resourceId: string;
}

export interface ActionActivities {
  start: StepStartActivity;
  /** Absent: the start does the whole change (a short, synchronous one). */
  check?: StepCheckActivity;
}

export function activitiesOf(action: StepAction): ActionActivities {
  switch (action.type) {
    case "controlPlaneVersion":
    case "poolVersion":
      return { start: ActivityNames.startUpgradeStep, check: ActivityNames.checkUpgradeStep };
    case "poolNodeImage":
      return { start: ActivityNames.startNodeImageUpgrade, check: ActivityNames.checkNodeImageUpgrade };
    case "clusterPatch":
      return { start: ActivityNames.startAutoUpgradeDisable, check: ActivityNames.checkAutoUpgradeDisable };
    case "eventSubscription":
      return { start: ActivityNames.ensureEventSubscription };
    case "conformanceEvaluation":
      return { start: ActivityNames.evaluateConformance };
    case "armResourcePut":
      return { start: ActivityNames.startArmResourcePut, check: ActivityNames.checkArmResourcePut };
    // --- governance (issue 13)
    case "diagnosticSettingPut":
      return { start: ActivityNames.putDiagnosticSetting };
    case "budgetPut":
      return { start: ActivityNames.putBudget };
    case "governanceReview":
      return { start: ActivityNames.startGovernanceReview, check: ActivityNames.checkGovernanceReview };
    case "poolScale":
      return { start: ActivityNames.startPoolScale, check: ActivityNames.checkPoolScale };
    case "clusterStop":
      return { start: ActivityNames.startClusterStop, check: ActivityNames.checkClusterStop };
  }
}

/** The request the action's activities take (their contracts predate the engine and are kept). */
export function requestOf(target: StepTarget, step: PlanStep): StepActivityRequest & Record<string, unknown> {
  const a = step.action;
  const base = { clusterId: target.clusterId, operationId: target.operationId, resourceId: target.resourceId };
  switch (a.type) {
    case "controlPlaneVersion":
      return { ...base, step: { index: step.index, kind: "controlPlane", from: a.from, to: a.to } };
    case "poolVersion":
      return { ...base, step: { index: step.index, kind: "nodePool", pool: a.pool, from: a.from, to: a.to } };
    case "poolNodeImage":
      return { ...base, step: { index: step.index, kind: "nodeImage", pool: a.pool, from: a.from, to: a.to } };
    case "clusterPatch":
      return { ...base, step: { index: step.index } };
    case "eventSubscription":
      return { ...base, location: a.location, step: { index: step.index } };
    case "conformanceEvaluation":
    case "governanceReview":
      return { ...base, step: { index: step.index } };
    case "armResourcePut":
      return { ...base, step: { index: step.index }, resource: { id: a.resourceId, apiVersion: a.apiVersion, body: a.body, refs: a.refs ?? [], ...(a.generate ? { generate: a.generate } : {}) } };
    // --- governance (issue 13)
    case "diagnosticSettingPut":
    case "budgetPut":
    case "poolScale":
    case "clusterStop":
      return { ...base, action: a, step: { index: step.index } };
  }
}
