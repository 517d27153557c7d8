import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { StartStepResult, StepState } from "../../common/contracts";
import type { AutoUpgradeDisableRequest } from "../adoptionOrchestrator";
import { clusterRef } from "../../common/activities/armIds";
import { isOperationConflict, permanentUnlessRetryable } from "../../common/activities/errors";
import { failureOf } from "../../../shared/domain/failures";
import { armOperationIdOf, type ReadAsyncOperation } from "../../kubernetesUpgrade/activities/armPorts";
import { inProgress, started } from "../../kubernetesUpgrade/activities/upgradeStep";
import type { StorePort } from "../../common/activities/ports";
import { isArmInProgress } from "../../../shared/azure/arm-operations";

export interface AutoUpgradeDeps {
  aks: { managedClusters: Pick<ContainerServiceClient["managedClusters"], "get" | "beginCreateOrUpdate"> };
  readAsyncOperation: ReadAsyncOperation;
  /** Keeps the started ARM operation's id on the adoption's step (a re-run after a lost checkpoint finds it). */
  store: Pick<StorePort, "operations">;
}

/**
 * The platform owns the upgrades of the clusters it manages: AKS's channels are set to `none` and
 * `None` (never `Unmanaged`, which lets the node OS patch itself; docs "Autoupgrade node OS images").
 */
export const PLATFORM_AUTO_UPGRADE = { upgradeChannel: "none", nodeOSUpgradeChannel: "None" } as const;

function isPlatformOwned(profile: { upgradeChannel?: string; nodeOSUpgradeChannel?: string } | undefined): boolean {
  return profile?.upgradeChannel === PLATFORM_AUTO_UPGRADE.upgradeChannel && profile.nodeOSUpgradeChannel === PLATFORM_AUTO_UPGRADE.nodeOSUpgradeChannel;
}


/** Starts the PUT that turns auto-upgrade off, unless ARM already shows it off (idempotent); does not wait. */
export function createStartAutoUpgradeDisableActivity(deps: AutoUpgradeDeps): (request: AutoUpgradeDisableRequest) => Promise<StartStepResult> {
  return async (request) => {
    const ref = clusterRef(request.resourceId);
    try {
      const cluster = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
      if (isPlatformOwned(cluster.autoUpgradeProfile)) {
        return isArmInProgress(cluster.provisioningState ?? "") ? inProgress(deps, request) : { outcome: "alreadyDone" };
      }
      const body = { ...cluster, autoUpgradeProfile: { ...cluster.autoUpgradeProfile, ...PLATFORM_AUTO_UPGRADE } };
      const poller = await deps.aks.managedClusters.beginCreateOrUpdate(ref.resourceGroup, ref.name, body);
      return started(deps, request, await armOperationIdOf(poller));
    } catch (err) {
      const failure = failureOf(err);
      if (isOperationConflict(failure)) return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      // Throttling, 5xx and dropped connections are retried by the engine's activity proxy on durable timers.
      permanentUnlessRetryable(err, request.clusterId, "Turning AKS auto-upgrade off");
    }
  };
}

/** One poll: done when the cluster settled with the platform's auto-upgrade profile. */
export function createCheckAutoUpgradeDisableActivity(deps: AutoUpgradeDeps): (request: AutoUpgradeDisableRequest & { armOperationId?: string }) => Promise<StepState> {
  return async (request) => {
    const ref = clusterRef(request.resourceId);
    const cluster = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
    if (isArmInProgress(cluster.provisioningState ?? "")) return { state: "InProgress" };
    if (cluster.provisioningState === "Succeeded" && isPlatformOwned(cluster.autoUpgradeProfile)) return { state: "Succeeded" };
    if (request.armOperationId) {
      const status = await deps.readAsyncOperation(request.armOperationId).catch(() => undefined);
      if (status?.error) return { state: "Failed", error: status.error };
    }
    return { state: "Failed", error: { code: "AutoUpgradeNotDisabled", message: `The cluster is ${cluster.provisioningState ?? "?"} with autoUpgradeProfile ${JSON.stringify(cluster.autoUpgradeProfile ?? {})}` } };
  };
}
