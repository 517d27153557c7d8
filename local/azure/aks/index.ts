/**
 * `Microsoft.ContainerService` on the simulator kernel, as @azure/arm-containerservice 25.5.0
 * (api-version 2026-06-01) calls it:
 * - managedClusters: PUT (create 201 / update 200, long-running), GET, PATCH (tags), list by group
 *   and subscription, DELETE, start, stop, upgradeProfiles/default; the location's
 *   kubernetesVersions list.
 * - agentPools: PUT (create, scale, orchestratorVersion upgrade), GET, list, DELETE,
 *   upgradeProfiles/default (with latestNodeImageVersion), upgradeNodeImageVersion.
 * - maintenanceConfigurations: default, aksManagedAutoUpgradeSchedule, aksManagedNodeOSUpgradeSchedule.
 * Rules: one operation at a time per cluster (409 OperationNotAllowed); no skipped or downgraded
 * control-plane minor; pools never newer than the control plane nor more than 3 minors behind;
 * no upgrade of a stopped cluster. A cluster PUT that changes kubernetesVersion upgrades the
 * control plane (5 min), then every pool without an explicit orchestratorVersion, one after the
 * other; a pool rolls in batches of maxSurge nodes (default 10%), 4 min a batch (+ node soak),
 * all × durationScale. Faults: upgradeFailure, drainTimeout, unhealthyPool (target: pool or
 * cluster id), conflict (target: cluster id, with durationMs or count).
 */
import type { ReleaseCatalog } from "../catalog";
import type { SimKernel } from "../kernel";
import { registerClusterActions } from "./actions";
import { DeprecatedApiUsages } from "./deprecated-apis";
import { UndrainableNodes } from "./undrainable";
import { registerAgentPools } from "./agent-pools";
import { poolsOf, type AksContext } from "./context";
import { registerMaintenanceConfigurations } from "./maintenance";
import { registerManagedClusters } from "./managed-clusters";
import type { ClusterResource } from "./model";
import { AksRuntime, type PoolHealth } from "./runtime";
import { registerUpgradeProfiles } from "./upgrade-profiles";

export { aksErrors } from "./errors";
export { clusterId, poolId, maintenanceConfigId } from "./ids";
export type { ClusterResource, PoolResource, PoolProperties } from "./model";
export type { PoolHealth } from "./runtime";
export { MAINTENANCE_CONFIG_NAMES } from "./maintenance";

/** One pool as other simulator modules (Monitor metrics, Budgets spend) see it. */
export interface AksPoolView {
  name: string;
  mode: string;
  vmSize: string;
  count: number;
  health: PoolHealth;
}

export interface AksClusterView {
  id: string;
  location: string;
  powerState: "Running" | "Stopped";
  createdAt?: string;
  tier?: string;
  kubernetesVersion: string;
  pools: AksPoolView[];
}

/**
 * What AKS exposes to other modules, as `kernel.service<AksFleet>("aks")`:
 * `getPoolHealth(clusterId, pool)` → `{ nodes, ready, notReady, surgeNodes, rolling }`, and the
 * fleet's clusters with their pools and health.
 */
export interface AksFleet {
  getPoolHealth(clusterId: string, pool: string): PoolHealth | undefined;
  /** Clusters (lower-cased ids) whose health can change without a resource write (see AksRuntime.busyClusterIds). */
  busyClusterIds(): Set<string>;
  clusters(): AksClusterView[];
  cluster(clusterId: string): AksClusterView | undefined;
}

export const AKS_SERVICE = "aks";

/** Stable and preview api-versions of managedClusters in Azure/azure-rest-api-specs (specification/containerservice). */
export const AKS_API_VERSIONS = [
  "2024-03-02-preview", "2024-05-01", "2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01",
  "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01",
  "2025-08-01", "2025-09-01", "2025-10-01", "2026-01-01", "2026-02-01", "2026-06-01"
];

export function registerAks(kernel: SimKernel, catalog: ReleaseCatalog): AksFleet {
  const runtime = new AksRuntime(kernel);
  // PDB-blocked nodes per pool, read by the rolling planner (planner.ts) as a kernel service.
  const ctx: AksContext = { kernel, catalog, runtime, deprecatedApis: new DeprecatedApiUsages(kernel), undrainable: new UndrainableNodes(kernel) };
  registerManagedClusters(ctx);
  registerAgentPools(ctx);
  registerUpgradeProfiles(ctx);
  registerMaintenanceConfigurations(ctx);
  registerClusterActions(ctx);
  // api-versions of Microsoft.ContainerService that the simulator answers (the SDK's 2026-06-01,
  // the baseline's preview, and the stable versions in the REST spec index).
  kernel.apiVersions.register("Microsoft.ContainerService", AKS_API_VERSIONS);
  const view = (c: ClusterResource): AksClusterView => ({
    id: c.id,
    location: c.location,
    powerState: c.properties.powerState.code,
    createdAt: c.systemData?.createdAt,
    tier: (c.sku as { tier?: string } | undefined)?.tier,
    kubernetesVersion: c.properties.currentKubernetesVersion,
    pools: poolsOf(ctx, c.id).map((p) => ({
      name: p.name, mode: p.properties.mode, vmSize: p.properties.vmSize, count: p.properties.count,
      health: runtime.health(c.id, p.name) ?? { nodes: 0, ready: 0, notReady: 0, surgeNodes: 0, rolling: false }
    }))
  });
  const fleet: AksFleet = {
    getPoolHealth: (clusterId, pool) => runtime.health(clusterId, pool),
    busyClusterIds: () => runtime.busyClusterIds(),
    clusters: () => kernel.store.list<ClusterResource>({ type: "Microsoft.ContainerService/managedClusters" }).map(view),
    cluster: (clusterId) => {
      const c = kernel.store.get<ClusterResource>(clusterId);
      return c ? view(c) : undefined;
    }
  };
  kernel.provide(AKS_SERVICE, fleet);
  return fleet;
}
