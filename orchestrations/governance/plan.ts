/**
 * The governance flow's planner: the steps of a remediation or an enforcement, from what the review
 * read of ARM (the handlers and activities that review call these; nothing else builds governance
 * steps). Each step names its action for the engine (engine/actions.ts) and says, in its title,
 * what it changes in the operator's words.
 */
import type { PlanStep } from "../engine/plan";
import type { DesiredResourceLogs } from "../../shared/domain/governance/logCategories";
import { PLATFORM_BUDGET } from "../../shared/domain/governance/desired";

/** A resource's diagnostic settings converged on the workspace (one PUT of the platform's setting; others' settings are not touched). */
export function diagnosticsRemediationSteps(input: {
  resourceId: string; workspaceId: string; desired: DesiredResourceLogs; writes: readonly { name: string; create: boolean }[];
}): PlanStep[] {
  const name = input.resourceId.split("/").pop() ?? input.resourceId;
  return [{
    index: 0,
    title: `Logs of ${name} to the workspace: exactly ${input.desired.categories.join(", ")} (${input.writes.map((w) => `${w.create ? "create" : "update"} ${w.name}`).join(", ")})`,
    action: { type: "diagnosticSettingPut", name: input.desired.platformSetting, workspaceId: input.workspaceId, resourceId: input.resourceId, kind: input.desired.kind },
    health: false, settleMs: 0
  }];
}

/** The platform's budget on a resource group put as desired. */
export function budgetRemediationSteps(input: { scope: string; resourceGroup: string; amount: number; actionGroupId: string }): PlanStep[] {
  return [{
    index: 0, title: `Budget ${PLATFORM_BUDGET}: ${input.amount} monthly on ${input.resourceGroup}, 50/75/90 % actual and 100 % forecast to the platform`,
    action: { type: "budgetPut", scope: input.scope, name: PLATFORM_BUDGET, amount: input.amount, actionGroupId: input.actionGroupId }, health: false, settleMs: 0
  }];
}

/**
 * A budget alert's enforcement: user pools scaled to their minimum (an actual-spend alert) and/or
 * the cluster stopped (a forecast outside working hours). AKS lets a user pool go to zero nodes; an
 * autoscaled one stops at its minimum (https://learn.microsoft.com/azure/aks/scale-cluster#scale-user-node-pools-to-0).
 */
export function enforcementSteps(input: {
  threshold: number; scaleUserPools: boolean; stopCluster: boolean; pools: readonly { name?: string; mode?: string; count?: number; enableAutoScaling?: boolean; minCount?: number }[];
}): PlanStep[] {
  const steps: PlanStep[] = [];
  if (input.scaleUserPools) {
    for (const pool of input.pools) {
      if (pool.mode !== "User") continue;
      const min = pool.enableAutoScaling ? pool.minCount ?? 0 : 0;
      if ((pool.count ?? 0) > min || pool.enableAutoScaling) {
        steps.push({ index: steps.length, title: `Pool ${pool.name}: ${pool.count ?? 0} → ${min} nodes (budget ${input.threshold} % actual)`, action: { type: "poolScale", pool: pool.name ?? "", count: min }, health: false, settleMs: 0 });
      }
    }
  }
  if (input.stopCluster) {
    steps.push({ index: steps.length, title: `Cluster stopped (budget forecast ${input.threshold} %, outside working hours)`, action: { type: "clusterStop" }, health: false, settleMs: 0 });
  }
  return steps;
}
