import type { ArmResource, SimKernel } from "../kernel";
import type { ClusterState, PoolState } from "./fleetState";
import { ClusterStateHistory } from "./stateHistory";

/**
 * Reads the AKS fleet from the kernel: clusters and pools from the resource store, node health
 * (rolling batch, surge, unhealthy-pool fault) from the AKS module's `kernel.service("aks")`
 * (`getPoolHealth(clusterId, pool)`, sim-core's AksFleet). Without it every node counts as Ready.
 */

/** What the AKS module exposes about a pool's nodes (the part of sim-core's `AksFleet` read here). */
interface AksHealthReader {
  getPoolHealth(clusterId: string, pool: string): { nodes: number; ready: number; notReady: number; surgeNodes: number; rolling: boolean } | undefined;
  busyClusterIds?(): Set<string>;
}

const CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";
const POOL_TYPE = "Microsoft.ContainerService/managedClusters/agentPools";

export function readFleet(kernel: SimKernel): ClusterState[] {
  const aks = kernel.service<AksHealthReader>("aks");
  // One pass over the store for every pool (not one per cluster): sampling runs after every timer
  // the clock fires, so a per-cluster scan made a 500-cluster fleet quadratic in the store's size.
  const poolsByCluster = new Map<string, ArmResource[]>();
  for (const pool of kernel.store.list({ type: POOL_TYPE })) {
    const key = pool.id.slice(0, pool.id.toLowerCase().lastIndexOf("/agentpools/")).toLowerCase();
    const list = poolsByCluster.get(key) ?? [];
    list.push(pool);
    poolsByCluster.set(key, list);
  }
  return kernel.store.list({ type: CLUSTER_TYPE }).map((cluster) => clusterState(kernel, cluster, poolsByCluster.get(cluster.id.toLowerCase()) ?? [], aks));
}

function clusterState(kernel: SimKernel, cluster: ArmResource, clusterPools: ArmResource[], aks: AksHealthReader | undefined): ClusterState {
  const props = cluster.properties ?? {};
  const stopped = (props["powerState"] as { code?: string } | undefined)?.code === "Stopped";
  const pools = clusterPools.map((pool): PoolState => {
    const p = pool.properties ?? {};
    const count = typeof p["count"] === "number" ? p["count"] : 0;
    const health = aks?.getPoolHealth(cluster.id, pool.name);
    return {
      name: pool.name,
      mode: p["mode"] === "System" ? "System" : "User",
      vmSize: typeof p["vmSize"] === "string" ? p["vmSize"] : "Standard_D2s_v5",
      count: (p["powerState"] as { code?: string } | undefined)?.code === "Stopped" ? 0 : count,
      surgeNodes: health?.surgeNodes ?? 0,
      notReadyNodes: health?.notReady ?? 0,
      rolling: health?.rolling ?? false
    };
  });
  const sku = cluster["sku"] as { tier?: string } | undefined;
  return {
    id: cluster.id,
    location: cluster.location ?? kernel.config.location,
    powerState: stopped ? "Stopped" : "Running",
    ...(cluster.systemData?.createdAt ? { createdAt: cluster.systemData.createdAt } : {}),
    ...(sku?.tier ? { tier: sku.tier } : {}),
    pools
  };
}

/** The fleet's state history, shared by Monitor (metrics) and Budgets (spend). */
export interface FleetHistory {
  history: ClusterStateHistory;
  /** Samples the fleet now. */
  observe(): void;
  /** Samples one cluster now (a metrics query or an event about it): O(1), not O(fleet). */
  observeCluster(resourceId: string): void;
}

/** The managed cluster an id is, or is under (a pool, a diagnostic setting); undefined otherwise. */
function clusterIdOf(resourceId: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+/i.exec(resourceId)?.[0];
}

const SERVICE = "fleetHistory";

/**
 * The kernel's one fleet history, created on first use. It samples the fleet whenever the clock
 * settles (it registers as an idle probe, which the clock calls after every timer it fires: AKS
 * batch boundaries are timers, so each NotReady change is seen at its own time on a virtual
 * clock), and whenever a metrics or budget query asks.
 */
export function fleetHistory(kernel: SimKernel): FleetHistory {
  const existing = kernel.service<FleetHistory>(SERVICE);
  if (existing) return existing;
  const history = new ClusterStateHistory();
  const service: FleetHistory = {
    history,
    observe: () => history.observe(kernel.clock.now(), readFleet(kernel)),
    observeCluster: (resourceId) => {
      const id = clusterIdOf(resourceId);
      const cluster = id ? kernel.store.get(id) : undefined;
      if (!cluster) return;
      const pools = kernel.store.list({ prefix: cluster.id, type: POOL_TYPE });
      history.observe(kernel.clock.now(), [clusterState(kernel, cluster, pools, kernel.service<AksHealthReader>("aks"))]);
    }
  };
  kernel.provide(SERVICE, service);
  // The clock probes after every timer it fires, several passes each: between queries (which
  // sample themselves), sample at most once per virtual minute, the finest grain of AKS platform
  // metrics (PT1M), and only the clusters that can have changed since the last sample: those
  // written to (the store reports each write's top-level resource) and those AKS is changing with
  // time (rolling batches, unhealthy-pool faults). A 2,000-cluster fleet then costs nothing per
  // idle cluster per minute, not a state build and a JSON comparison (nor a scan of the fleet).
  let sampledAt = Number.NaN;
  let everything = true;
  const written = new Set<string>();
  kernel.onDispose(kernel.store.onTouch((top) => {
    if (top === undefined) everything = true;
    else written.add(top);
  }));
  const observeChanged = (): void => {
    const aks = kernel.service<AksHealthReader>("aks");
    const busy = aks?.busyClusterIds?.();
    const candidates = everything || !busy ? kernel.store.list({ type: CLUSTER_TYPE }).map((c) => c.id.toLowerCase()) : [...new Set([...written, ...busy])];
    everything = false;
    written.clear();
    const changed: ClusterState[] = [];
    for (const key of candidates) {
      const cluster = kernel.store.get(key);
      if (!cluster || cluster.type.toLowerCase() !== CLUSTER_TYPE.toLowerCase()) continue;
      changed.push(clusterState(kernel, cluster, kernel.store.list({ prefix: cluster.id, type: POOL_TYPE }), aks));
    }
    history.observe(kernel.clock.now(), changed);
  };
  kernel.clock.registerIdleProbe(() => {
    const minute = Math.floor(kernel.clock.now() / 60_000);
    if (minute === sampledAt) return Promise.resolve();
    sampledAt = minute;
    try {
      observeChanged();
    } catch {
      // Sampling is best effort: a failure here must never break the shared clock's waitForIdle.
    }
    return Promise.resolve();
  });
  return service;
}
