/**
 * AKS's deprecated-API block forced through an approved, bounded override (issue 30, docs/readiness.md).
 *
 * AKS refuses a control-plane minor upgrade while an API removed in the target minor was used in
 * the last 12 hours (400 `ValidationError`, subcode `UpgradeBlockedOnDeprecatedAPIUsage`); the
 * bypass is the cluster's `upgradeSettings.overrideSettings` (learn.microsoft.com/azure/aks/
 * stop-cluster-upgrade-api-breaking-changes, "Bypass validation to ignore API changes":
 * `az aks update --enable-force-upgrade --upgrade-override-until`). The REST spec's
 * `UpgradeOverrideSettings` (Microsoft.ContainerService stable 2025-10-01, managedClusters.json):
 * `forceUpgrade` "Whether to force upgrade the cluster ... bypass upgrade protections such as
 * checking for deprecated API usage"; `until` "Until when the overrides are effective. Note that
 * this only matches the start time of an upgrade ... It must be set for the overrides to take effect."
 *
 * `recordForceUpgrade` keeps the decision on the operation (the control-plane step's PUT reads it
 * and carries the override: upgradeStep.ts); `clearForceUpgrade` sets `forceUpgrade: false` once
 * the forced run ended, so the next upgrade is protected again.
 */
import type { ManagedCluster } from "@azure/arm-containerservice";
import { clusterRef } from "../../common/activities/armIds";
import { isOperationConflict, MissingRecordError, PermanentArmError } from "../../common/activities/errors";
import { isArmInProgress } from "../../../shared/azure/arm-operations";
import { failureOf, isNotFound, isRetryable } from "../../../shared/domain/failures";
import type { StorePort } from "../../common/activities/ports";
import type { AksPort } from "./armPorts";

export interface ForceUpgradeDecision {
  clusterId: string;
  operationId: string;
  step: number;
  blockedMessage: string;
  approvedBy: string;
  approvedAt: string;
  comment?: string;
  until: string;
}

export interface ClearForceUpgradeInput {
  clusterId: string;
  operationId: string;
  resourceId: string;
  /** The orchestration's time: the record's `clearedAt`. */
  at: string;
}

/** `cleared`: ARM shows no live override; `pending`: the clearing PUT (or another operation) is still running. */
export interface ClearForceUpgradeResult {
  state: "cleared" | "pending";
}

/** Records the approved force decision on the operation (idempotent: a re-run writes the same). */
export function createRecordForceUpgradeActivity(deps: { store: Pick<StorePort, "operations"> }): (input: ForceUpgradeDecision) => Promise<void> {
  return async (input) => {
    try {
      await deps.store.operations.mutate(input.clusterId, input.operationId, (op) => {
        if (op.forceUpgrade && op.forceUpgrade.approvedAt === input.approvedAt && op.forceUpgrade.step === input.step) return undefined;
        return {
          ...op,
          forceUpgrade: {
            step: input.step, blockedMessage: input.blockedMessage, approvedBy: input.approvedBy, approvedAt: input.approvedAt,
            until: input.until, ...(input.comment ? { comment: input.comment } : {})
          }
        };
      });
    } catch (err) {
      if (isNotFound(err)) throw new MissingRecordError("operation", input.operationId, input.clusterId);
      throw err;
    }
  };
}

/** Whether the cluster carries a force override (whatever its `until`). */
export function hasForceOverride(cluster: Pick<ManagedCluster, "upgradeSettings">): boolean {
  return cluster.upgradeSettings?.overrideSettings?.forceUpgrade === true;
}

/**
 * Clears the override: one GET; a cluster still busy answers `pending` (polled again later); a live
 * override is replaced by `forceUpgrade: false` in a full PUT of the cluster (every pool pinned to the
 * version it runs, as the control-plane step's PUT does) and answers `pending`; none left records
 * `clearedAt` and answers `cleared`.
 */
export function createClearForceUpgradeActivity(deps: { aks: Pick<AksPort, "managedClusters">; store: Pick<StorePort, "operations"> }): (input: ClearForceUpgradeInput) => Promise<ClearForceUpgradeResult> {
  return async (input) => {
    const ref = clusterRef(input.resourceId);
    try {
      const cluster = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
      if (isArmInProgress(cluster.provisioningState)) return { state: "pending" };
      if (hasForceOverride(cluster)) {
        const { overrideSettings: _o, ...upgradeSettings } = cluster.upgradeSettings ?? {};
        await deps.aks.managedClusters.beginCreateOrUpdate(ref.resourceGroup, ref.name, {
          ...cluster,
          upgradeSettings: { ...upgradeSettings, overrideSettings: { forceUpgrade: false } },
          agentPoolProfiles: (cluster.agentPoolProfiles ?? []).map((p) => ({ ...p, orchestratorVersion: p.currentOrchestratorVersion ?? p.orchestratorVersion }))
        });
        return { state: "pending" };
      }
    } catch (err) {
      const failure = failureOf(err);
      if (isRetryable(failure) || isOperationConflict(failure)) return { state: "pending" };
      throw new PermanentArmError(input.clusterId, "Clearing the force-upgrade override", failure);
    }
    await deps.store.operations.mutate(input.clusterId, input.operationId, (op) => {
      if (!op.forceUpgrade || op.forceUpgrade.clearedAt) return undefined;
      return { ...op, forceUpgrade: { ...op.forceUpgrade, clearedAt: input.at } };
    });
    return { state: "cleared" };
  };
}
