import type { KubernetesVersionListResult, ManagedCluster } from "@azure/arm-containerservice";
import type { StepView } from "../../common/contracts";
import { failingChecks, type ReadinessReport } from "../../../shared/domain/readiness";
import { readinessOfObserved, type ReadinessDeps } from "./readiness";
import type { KubernetesUpgradeInput, PreparedUpgrade } from "../contracts";
import { catalogFrom, planKubernetesUpgrade, type ClusterVersions } from "../../../shared/domain/versions";
import type { ClusterRecord, OperationRecord } from "../../../shared/store";
import { upgradeSettingsOf } from "../../../shared/domain/policy";
import { clusterRef } from "../../common/activities/armIds";
import { MissingRecordError } from "../../common/activities/errors";
import type { StorePort } from "../../common/activities/ports";
import type { AksPort } from "./armPorts";
import type { PollIntervals } from "../../common/armStep";

export interface PrepareKubernetesUpgradeDeps {
  store: StorePort;
  aks: AksPort;
  /** From the app settings (the one polling set); absent: the engine's defaults (30 s doubling to 5 minutes, no settle). */
  polling?: PollIntervals & { healthSettleMs?: number };
  /** Absent: no readiness report on the plan. */
  readiness?: Omit<ReadinessDeps, "aks">;
}

/**
 * Plans the upgrade from what ARM shows now (cluster versions, the location's release catalog,
 * the cluster's upgrade profile) under the cluster's policy, and stores the plan on the operation
 * record the first time. A re-run or a resume returns the stored plan, so the steps never change
 * under an operation; `firstStepIndex` is the first step not yet Succeeded. The poll intervals
 * travel with the plan as data, so the orchestrator never reads a setting.
 */
export function createPrepareKubernetesUpgradeActivity(deps: PrepareKubernetesUpgradeDeps): (input: KubernetesUpgradeInput) => Promise<PreparedUpgrade> {
  return async (input) => {
    const cluster = (await deps.store.clusters.get(input.clusterId))?.doc;
    if (!cluster) throw new MissingRecordError("cluster", input.clusterId, input.clusterId);
    const op = (await deps.store.operations.get(input.clusterId, input.operationId))?.doc;
    if (!op) throw new MissingRecordError("operation", input.operationId, input.clusterId);

    // A plan whose readiness failed before anything ran (the operation ended `Blocked`) is made
    // again from what ARM shows now: starting the same upgrade after the fix re-plans and proceeds.
    const replan = op.plan !== undefined && blockedBeforeStart(op);
    if (op.plan && !replan) {
      return prepared(cluster, op.plan.target, op.plan.steps.map((s) => toUpgradeStep(s)), firstPending(op), deps.polling, untouched(op) ? op.plan.readiness : undefined);
    }
    const plan = await planFromArm(deps.aks, cluster, input.targetVersion ?? op.targetVersion);
    const readiness = deps.readiness ? await readinessOrNothing(deps.readiness, cluster, plan) : undefined;
    const stored = await deps.store.operations.mutate(input.clusterId, input.operationId, (doc) => doc.plan && !(replan && blockedBeforeStart(doc)) ? undefined : {
      ...doc,
      targetVersion: plan.target,
      // The blocked plan's steps never ran: the new plan's are recorded instead.
      ...(replan ? { steps: [] } : {}),
      plan: {
        target: plan.target, steps: plan.steps.map((s) => ({ index: s.index, kind: s.kind, ...(s.pool ? { pool: s.pool } : {}), from: s.from, to: s.to })),
        ...(readiness ? { readiness } : {})
      }
    });
    // Another run may have stored its plan first: that one wins, so every run agrees.
    const kept = stored.doc.plan ?? { target: plan.target, steps: plan.steps };
    return prepared(cluster, kept.target, kept.steps.map((s) => toUpgradeStep(s)), firstPending(stored.doc), deps.polling, stored.doc.plan?.readiness);
  };
}

/**
 * The readiness report for the planned target from the reads planning made (the cluster, the
 * region's versions) plus the Compute and VNet usages. Best effort: a failed read leaves the plan
 * without a report (the upgrade goes on as before; `GET …/readiness` answers it live).
 */
async function readinessOrNothing(deps: Omit<ReadinessDeps, "aks">, cluster: ClusterRecord, plan: PlannedFromArm): Promise<ReadinessReport | undefined> {
  try {
    return await readinessOfObserved(deps, cluster, plan.managed, plan.versions, plan.target);
  } catch {
    return undefined;
  }
}

interface PlannedFromArm { target: string; steps: StepView[]; managed: ManagedCluster; versions: KubernetesVersionListResult }

async function planFromArm(aks: AksPort, cluster: ClusterRecord, target: string | undefined): Promise<PlannedFromArm> {
  const ref = clusterRef(cluster.resourceId);
  const managed = await aks.managedClusters.get(ref.resourceGroup, ref.name);
  const location = managed.location ?? cluster.spec.location;
  const [versions, profile] = await Promise.all([
    aks.managedClusters.listKubernetesVersions(location),
    aks.managedClusters.getUpgradeProfile(ref.resourceGroup, ref.name)
  ]);
  const current: ClusterVersions = {
    controlPlane: managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? cluster.spec.kubernetesVersion,
    pools: (managed.agentPoolProfiles ?? []).map((p) => ({
      name: p.name ?? "", mode: p.mode ?? "User", version: p.currentOrchestratorVersion ?? p.orchestratorVersion ?? ""
    }))
  };
  const plan = planKubernetesUpgrade({
    current,
    ...(target ? { target } : {}),
    catalog: catalogFrom(versions, profile),
    policy: { allowPreview: cluster.policy.allowPreview }
  });
  return { target: plan.target, steps: plan.steps.map((s) => toUpgradeStep(s)), managed, versions };
}

/** No step of the operation has started (each still Pending, or none recorded). */
function untouched(op: OperationRecord): boolean {
  return op.steps.every((s) => s.status === "Pending");
}

/** The stored plan's readiness failed and nothing ran: the operation was `Blocked` before its approval card. */
function blockedBeforeStart(op: OperationRecord): boolean {
  return untouched(op) && failingChecks(op.plan?.readiness).length > 0;
}

function prepared(
  cluster: ClusterRecord, target: string, steps: StepView[], firstStepIndex: number, polling: (PollIntervals & { healthSettleMs?: number }) | undefined, readiness?: ReadinessReport
): PreparedUpgrade {
  return {
    resourceId: cluster.resourceId,
    environment: cluster.environment,
    target,
    steps,
    firstStepIndex,
    approval: { mode: cluster.policy.approval, timeoutMinutes: cluster.policy.approvalTimeoutMinutes, onTimeout: cluster.policy.onApprovalTimeout },
    healthGate: { ...cluster.policy.healthGate },
    ...(polling ? { polling: { firstIntervalMs: polling.firstIntervalMs, maxIntervalMs: polling.maxIntervalMs } } : {}),
    ...(polling?.healthSettleMs !== undefined ? { healthSettleMs: polling.healthSettleMs } : {}),
    ...(readiness ? { readiness } : {}),
    forceUpgradeWindowHours: upgradeSettingsOf(cluster.policy, cluster.environment).forceUpgradeWindowHours
  };
}

function firstPending(op: OperationRecord): number {
  const planned = op.plan?.steps ?? [];
  const done = new Set(op.steps.filter((s) => s.status === "Succeeded").map((s) => s.index));
  const first = planned.map((s) => s.index).sort((a, b) => a - b).find((i) => !done.has(i));
  return first ?? planned.length;
}

function toUpgradeStep(s: { index: number; kind: string; pool?: string; from: string; to: string }): StepView {
  return { index: s.index, kind: s.kind === "nodePool" ? "nodePool" : "controlPlane", ...(s.pool ? { pool: s.pool } : {}), from: s.from, to: s.to };
}
