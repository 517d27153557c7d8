import type { ManagedCluster } from "@azure/arm-containerservice";
import {
  catalogAsEventData, catalogFrom, chooseTargetVersion, planKubernetesUpgrade, isKubernetesVersion, minorKey, newestPatchOf, parseMinorVersion,
  type KubernetesCatalog, type TargetChoice
} from "../../shared/domain/versions";
import type { ClusterRecord } from "../../shared/store";
import { clusterRef } from "../../orchestrations/common/activities/armIds";
import type { Platform } from "../runtime/platform";

/**
 * The location's release catalog as AKS lists it (one ARM read), in `subscriptionId` when given (a
 * cluster's: the read counts against its subscription's ARM bucket, issue 31), else the home one.
 */
export async function readCatalog(p: Platform, location: string, subscriptionId?: string): Promise<KubernetesCatalog> {
  const arm = subscriptionId === undefined ? p.arm : p.armFor(subscriptionId);
  return catalogFrom(await arm.containerService.managedClusters.listKubernetesVersions(location));
}

/** The cluster as ARM has it now, read with its own subscription's clients (issue 31). */
export async function readManagedCluster(p: Platform, cluster: Pick<ClusterRecord, "resourceId">): Promise<ManagedCluster> {
  const ref = clusterRef(cluster.resourceId);
  return p.armFor(ref.subscriptionId).containerService.managedClusters.get(ref.resourceGroup, ref.name);
}

/**
 * The version the cluster's policy wants now, with no event to go by (a manual upgrade without a
 * target, ClusterSupportEnding/Ended): the catalog stands in for the event's fields, so the same
 * rule (`chooseTargetVersion`) picks the target, and the same deterministic instance id follows.
 */
export async function policyTarget(p: Platform, cluster: ClusterRecord): Promise<TargetChoice> {
  return (await policyProposal(p, cluster)).choice;
}

/** The policy's target and, when there is one, how many steps the plan to it has (for the Teams alert). */
export async function policyProposal(p: Platform, cluster: ClusterRecord): Promise<{ choice: TargetChoice; steps?: number; current: string }> {
  const managed = await readManagedCluster(p, cluster);
  const catalog = await readCatalog(p, managed.location ?? cluster.spec.location, clusterRef(cluster.resourceId).subscriptionId);
  const current = managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? cluster.spec.kubernetesVersion;
  const choice = chooseTargetVersion({ data: catalogAsEventData(catalog), policy: cluster.policy, currentControlPlane: current, catalog });
  if (choice.kind === "none") return { choice, current };
  try {
    const pools = (managed.agentPoolProfiles ?? []).map((pool) => ({ name: pool.name ?? "", mode: pool.mode ?? "User", version: pool.currentOrchestratorVersion ?? pool.orchestratorVersion ?? current }));
    const plan = planKubernetesUpgrade({ current: { controlPlane: current, pools }, target: choice.target, catalog, policy: { allowPreview: cluster.policy.allowPreview } });
    return { choice, steps: plan.steps.length, current };
  } catch {
    // The upgrade itself plans again (and records why it cannot); the alert goes out without a step count.
    return { choice, current };
  }
}

/** Moved to the domain (readiness uses it too); kept here for existing imports. */
export { catalogAsEventData };

/** `1.36` → the newest patch of 1.36 the policy allows; a full version is kept. Undefined when AKS offers none. */
export function resolveRequestedTarget(catalog: KubernetesCatalog, requested: string, allowPreview: boolean): string | undefined {
  const text = requested.trim().replace(/^v/, "");
  if (isKubernetesVersion(text)) return text;
  return newestPatchOf(catalog, minorKey(parseMinorVersion(text)), { allowPreview });
}
