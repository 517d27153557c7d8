/**
 * Upgrade readiness (issue 30, docs/readiness.md): the ARM reads and the platform's records a
 * readiness report needs, judged by shared/domain/readiness.ts. Used by `GET /api/clusters/{id}/readiness`,
 * by the Kubernetes upgrade's preparation and by the node-image upgrade's `readNodeImageState`.
 *
 * ARM cost: the cluster (1), the region's Kubernetes versions (1), the region's Compute usages
 * (1, skipped when no pool runs) and the usages of each VNet holding a node subnet (1 a VNet, a
 * page each): 4 reads for a 3-pool cluster on one VNet. The deprecated-API and node-image-age
 * checks read none (the platform's records; the image's date is in its version). Throttling and
 * transient failures are thrown (the API answers 503 with Retry-After); a refused read of the
 * cluster is permanent.
 */
import type { ContainerServiceClient, KubernetesVersionListResult, ManagedCluster } from "@azure/arm-containerservice";
import type { NetworkManagementClient } from "@azure/arm-network";
import type { ArmResourcePort } from "../../../shared/azure/arm-resources";
import { parseArmResourceId } from "../../../shared/domain/armResourceId";
import {
  evaluateNodeImageReadiness, evaluateReadiness, isDeprecatedApiBlock, runningPools,
  type ComputeUsage, type ReadinessCluster, type ReadinessReport, type RecordedApiBlock, type SubnetUsage
} from "../../../shared/domain/readiness";
import {
  catalogAsEventData, catalogFrom, chooseTargetVersion, isKubernetesVersion, minorKey, newestPatchOf, newestSupportedVersion, parseMinorVersion,
  type KubernetesCatalog, type KubernetesSupportPlan
} from "../../../shared/domain/versions";
import type { ClusterRecord, NowSource, Store } from "../../../shared/store";
import { clusterRef } from "../../common/activities/armIds";
import { permanentUnlessRetryable } from "../../common/activities/errors";

/** Compute's Usage_List api-version (Microsoft.Compute 2024-07-01, `virtualMachineUsages` in the REST specs). */
export const COMPUTE_USAGES_API_VERSION = "2024-07-01";

export interface ReadinessDeps {
  aks: { managedClusters: Pick<ContainerServiceClient["managedClusters"], "get" | "listKubernetesVersions"> };
  network: { virtualNetworks: Pick<NetworkManagementClient["virtualNetworks"], "listUsage"> };
  /** Compute has no client in this project's dependencies: Usage_List is read as the generated client sends it. */
  arm: Pick<ArmResourcePort, "getArmResource">;
  /** The subscription the clients are bound to (a subnet elsewhere is not read). */
  subscriptionId: string;
  store: Pick<Store, "operations">;
  /** The node images' age is judged against it; absent, that check is left out. */
  clock?: NowSource;
}

/** A `targetVersion` that is neither `major.minor.patch` nor `major.minor`, or a line the region does not offer. */
export class InvalidReadinessTargetError extends Error {
  override readonly name = "InvalidReadinessTargetError";
  constructor(readonly targetVersion: string, reason: string) {
    super(`targetVersion '${targetVersion}': ${reason}`);
  }
}

function resolveTarget(requested: string | undefined, catalog: KubernetesCatalog, cluster: ClusterRecord, current: string, supportPlan?: KubernetesSupportPlan): string {
  const filter = { allowPreview: cluster.policy.allowPreview, ...(supportPlan ? { supportPlan } : {}) };
  if (requested !== undefined) {
    const text = requested.trim().replace(/^v/, "");
    if (isKubernetesVersion(text)) return text;
    let minor: string;
    try { minor = minorKey(parseMinorVersion(text)); } catch { throw new InvalidReadinessTargetError(requested, "expected major.minor.patch (1.33.2) or major.minor (1.33)"); }
    const patch = newestPatchOf(catalog, minor, filter);
    if (!patch) throw new InvalidReadinessTargetError(requested, `the region offers no ${minor} patch the policy allows`);
    return patch;
  }
  // The policy's next target; with none (already there), the newest the cluster may go to.
  const choice = chooseTargetVersion({ data: catalogAsEventData(catalog), policy: cluster.policy, currentControlPlane: current, catalog });
  if (choice.kind === "upgrade") return choice.target;
  return newestSupportedVersion(catalog, filter) ?? current;
}

async function deprecatedApiBlocks(store: ReadinessDeps["store"], clusterId: string): Promise<RecordedApiBlock[]> {
  const ops = await store.operations.query({ clusterId, kind: "kubernetesUpgrade", limit: 20 });
  const blocks: RecordedApiBlock[] = [];
  for (const op of ops) {
    for (const step of op.steps) {
      if (step.kind !== "controlPlane" || !isDeprecatedApiBlock(step.error)) continue;
      blocks.push({ operationId: op.id, target: step.to, at: step.endedAt ?? op.timings.updatedAt, message: step.error?.message ?? "" });
    }
  }
  return blocks;
}

/** A subnet id's subscription, group and VNet (the strict parser's `virtualNetworks/{vnet}/subnets/{subnet}`). */
function subnetOf(id: string | undefined): { subscriptionId: string; resourceGroup: string; vnet: string } | undefined {
  const parsed = parseArmResourceId(id);
  const [vnet, subnet] = parsed?.resources ?? [];
  if (!parsed || parsed.namespace.toLowerCase() !== "microsoft.network" || parsed.resources.length !== 2 || vnet?.type.toLowerCase() !== "virtualnetworks" || subnet?.type.toLowerCase() !== "subnets") return undefined;
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, vnet: vnet.name };
}

/** The readiness report of `cluster` for `requestedTarget` (or the policy's next target). */
export async function evaluateClusterReadiness(deps: ReadinessDeps, cluster: ClusterRecord, requestedTarget?: string): Promise<ReadinessReport> {
  const ref = clusterRef(cluster.resourceId);
  let managed;
  try {
    managed = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
  } catch (err) {
    permanentUnlessRetryable(err, cluster.id, "Reading the cluster for readiness");
  }
  return readinessOfObserved(deps, cluster, managed, undefined, requestedTarget);
}

/**
 * The report from a cluster already read (and, when the caller has it, the region's versions):
 * the upgrade's preparation reuses its own reads, adding only the Compute and VNet usages.
 */
export async function readinessOfObserved(
  deps: Omit<ReadinessDeps, "aks"> & { aks?: ReadinessDeps["aks"] }, cluster: ClusterRecord, managed: ManagedCluster, knownVersions: KubernetesVersionListResult | undefined, requestedTarget?: string
): Promise<ReadinessReport> {
  const location = managed.location ?? cluster.spec.location;
  const observed = managed as ReadinessCluster;
  const current = managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? cluster.spec.kubernetesVersion;
  const supportPlan = managed.supportPlan === "AKSLongTermSupport" ? "AKSLongTermSupport" : undefined;

  const [versions, usages, apiBlocks] = await Promise.all([
    knownVersions ? Promise.resolve(knownVersions) : deps.aks ? deps.aks.managedClusters.listKubernetesVersions(location) : Promise.reject(new Error("readiness needs the region's Kubernetes versions")),
    surgeUsages(deps, observed, location),
    deprecatedApiBlocks(deps.store, cluster.id)
  ]);
  const catalog = catalogFrom(versions);
  const target = resolveTarget(requestedTarget, catalog, cluster, current, supportPlan);

  return evaluateReadiness({
    clusterId: cluster.id, target, cluster: observed, catalog, allowPreview: cluster.policy.allowPreview,
    ...(supportPlan ? { supportPlan } : {}), ...usages, apiBlocks, ...(deps.clock ? { now: new Date(deps.clock.now()).toISOString() } : {})
  });
}

/**
 * A node-image upgrade's readiness from the cluster the upgrade already read: the Compute usages
 * (1 read) and each node-subnet VNet's usages (1 a VNet) added; `target` is the node image the plan
 * brings its first pool to.
 */
export async function nodeImageReadinessOfObserved(deps: Omit<ReadinessDeps, "aks" | "store">, clusterId: string, managed: ManagedCluster, target: string): Promise<ReadinessReport> {
  const observed = managed as ReadinessCluster;
  const usages = await surgeUsages(deps, observed, managed.location ?? "");
  return evaluateNodeImageReadiness({ clusterId, target, cluster: observed, ...usages, ...(deps.clock ? { now: new Date(deps.clock.now()).toISOString() } : {}) });
}

/**
 * What the surge needs to be judged: the region's Compute usages (1 read, none when no pool runs)
 * and the usages of each VNet holding a running pool's node subnet (1 read a VNet, a page each).
 */
async function surgeUsages(deps: Pick<ReadinessDeps, "arm" | "network" | "subscriptionId">, observed: ReadinessCluster, location: string): Promise<{ computeUsages?: ComputeUsage[]; subnetUsages: Map<string, SubnetUsage | undefined> }> {
  const pools = runningPools(observed);
  // The node subnets, grouped by VNet: one usages read a VNet.
  const vnets = new Map<string, { resourceGroup: string; vnet: string; subnetIds: string[] }>();
  for (const p of pools) {
    const s = subnetOf(p.vnetSubnetID);
    if (!s || s.subscriptionId.toLowerCase() !== deps.subscriptionId.toLowerCase()) continue;
    const key = `${s.resourceGroup}/${s.vnet}`.toLowerCase();
    const entry = vnets.get(key) ?? { resourceGroup: s.resourceGroup, vnet: s.vnet, subnetIds: [] };
    entry.subnetIds.push((p.vnetSubnetID ?? "").toLowerCase());
    vnets.set(key, entry);
  }
  const [computeUsages, vnetUsages] = await Promise.all([
    pools.length === 0 ? Promise.resolve(undefined) : deps.arm.getArmResource(`/subscriptions/${deps.subscriptionId}/providers/Microsoft.Compute/locations/${location}/usages`, COMPUTE_USAGES_API_VERSION)
      .then((body) => (Array.isArray(body?.value) ? (body.value as ComputeUsage[]) : [])),
    Promise.all([...vnets.values()].map(async (v) => {
      const out: SubnetUsage[] = [];
      for await (const u of deps.network.virtualNetworks.listUsage(v.resourceGroup, v.vnet)) out.push(u);
      return out;
    }))
  ]);
  const subnetUsages = new Map<string, SubnetUsage | undefined>();
  const listed = new Map(vnetUsages.flat().map((u) => [(u.id ?? "").toLowerCase(), u]));
  for (const v of vnets.values()) for (const s of v.subnetIds) subnetUsages.set(s, listed.get(s));
  return { ...(computeUsages ? { computeUsages } : {}), subnetUsages };
}
