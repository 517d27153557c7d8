import { compareVersions, minorDistance, minorOf } from "../catalog";
import { MAX_POOL_SKEW } from "./rules";
import { latestImageFor, poolsOf, type AksContext } from "./context";
import { aksErrors } from "./errors";
import { CLUSTER_TEMPLATE, clusterIdFrom } from "./ids";
import type { ClusterResource, PoolResource } from "./model";

/** Versions a pool may move to: newer than it, not newer than the control plane (shape of `AgentPoolsGetUpgradeProfile`). */
function poolUpgrades(ctx: AksContext, pool: PoolResource, controlPlane: string): { kubernetesVersion: string; isPreview?: boolean }[] {
  const current = pool.properties.currentOrchestratorVersion;
  return ctx.catalog.kubernetes.all()
    .filter((r) => compareVersions(r.version, current) > 0 && compareVersions(r.version, controlPlane) <= 0)
    .filter((r) => minorOf(r.version) === minorOf(current) || ctx.catalog.kubernetes.isAvailable(r.version))
    .map((r) => (r.preview ? { kubernetesVersion: r.version, isPreview: true } : { kubernetesVersion: r.version }));
}

export function registerUpgradeProfiles(ctx: AksContext): void {
  const { kernel } = ctx;
  kernel.router.arm("GET", `${CLUSTER_TEMPLATE}/upgradeProfiles/default`, (_req, p) => {
    const id = clusterIdFrom(p);
    const cluster = kernel.store.get<ClusterResource>(id);
    if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    const current = cluster.properties.currentKubernetesVersion;
    const upgrades = ctx.catalog.kubernetes.upgradesFrom(current)
      .map((r) => (r.preview ? { kubernetesVersion: r.version, isPreview: true } : { kubernetesVersion: r.version }));
    return {
      status: 200,
      body: {
        id: `${cluster.id}/upgradeprofiles/default`,
        name: "default",
        type: "Microsoft.ContainerService/managedClusters/upgradeprofiles",
        properties: {
          controlPlaneProfile: { kubernetesVersion: current, name: "master", osType: "Linux", upgrades },
          agentPoolProfiles: poolsOf(ctx, cluster.id).map((pool) => ({
            kubernetesVersion: pool.properties.currentOrchestratorVersion,
            name: pool.name,
            osType: pool.properties.osType,
            upgrades: poolUpgrades(ctx, pool, current)
          }))
        }
      }
    };
  }, { operation: "ManagedClusters_GetUpgradeProfile", kind: "read" });

  kernel.router.arm("GET", `${CLUSTER_TEMPLATE}/agentPools/{agentPoolName}/upgradeProfiles/default`, (_req, p) => {
    const id = clusterIdFrom(p);
    const cluster = kernel.store.get<ClusterResource>(id);
    if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    const pool = poolsOf(ctx, id).find((x) => x.name.toLowerCase() === (p.agentPoolName ?? "").toLowerCase());
    if (!pool) throw aksErrors.poolNotFound(p.agentPoolName ?? "");
    return {
      status: 200,
      body: {
        id: `${pool.id}/upgradeprofiles/default`,
        name: "default",
        type: "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles",
        properties: {
          kubernetesVersion: pool.properties.currentOrchestratorVersion,
          osType: pool.properties.osType,
          upgrades: poolUpgrades(ctx, pool, cluster.properties.currentKubernetesVersion),
          latestNodeImageVersion: latestImageFor(ctx, pool.properties)
        }
      }
    };
  }, { operation: "AgentPools_GetUpgradeProfile", kind: "read" });

  // Versions a new pool may use: available versions not newer than the control plane nor more
  // than three minors behind it; the default is the control plane's own version.
  kernel.router.arm("GET", `${CLUSTER_TEMPLATE}/availableAgentPoolVersions`, (_req, p) => {
    const cluster = kernel.store.get<ClusterResource>(clusterIdFrom(p));
    if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    const controlPlane = cluster.properties.currentKubernetesVersion;
    const versions = ctx.catalog.kubernetes.all()
      .filter((r) => ctx.catalog.kubernetes.isAvailable(r.version) && compareVersions(r.version, controlPlane) <= 0 && minorDistance(r.version, controlPlane) <= MAX_POOL_SKEW)
      .map((r) => ({ kubernetesVersion: r.version, ...(r.version === controlPlane ? { default: true } : {}), ...(r.preview ? { isPreview: true } : {}) }));
    return {
      status: 200,
      body: {
        id: `${cluster.id}/availableagentpoolversions`,
        name: "default",
        type: "Microsoft.ContainerService/managedClusters/availableAgentpoolVersions",
        properties: { agentPoolVersions: versions }
      }
    };
  }, { operation: "AgentPools_GetAvailableAgentPoolVersions", kind: "read" });

  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions", () => ({
    status: 200,
    body: { values: ctx.catalog.kubernetes.versionsList() }
  }), { operation: "ManagedClusters_ListKubernetesVersions", kind: "read" });
}
