import type { MetricsQueryResult } from "@azure/monitor-query-metrics";
import type { ArmStepRequest } from "../../common/armStep";
import type { ClusterHealthSample, PoolNodeHealth } from "../../../shared/domain/healthGate";
import { isoAt, type ActivityClock } from "../../common/activities/ports";

/** One metric of one cluster from the metrics data plane (`MetricsClient.queryResources` of the cluster's region). */
export interface MetricsDataPlanePort {
  queryResources(region: string, resourceIds: string[], metricNames: string[], metricNamespace: string, options: {
    startTime: Date; endTime: Date; interval: string; aggregation: string; filter: string; top: number;
  }): Promise<MetricsQueryResult[]>;
}

export interface CaptureClusterHealthDeps {
  dataPlane: MetricsDataPlanePort;
  /** The cluster's location (the registry's record: a cluster's location never changes in ARM). */
  locationOf(clusterId: string): Promise<string | undefined>;
  clock: ActivityClock;
}

export class ClusterLocationUnknownError extends Error {
  override readonly name = "ClusterLocationUnknownError";
  readonly permanent = true;
  constructor(readonly clusterId: string) {
    super(`Cluster ${clusterId} has no location in the registry: its health cannot be read from the regional metrics endpoint`);
  }
}

/** AKS names nodes `aks-<pool>-<8 digits>-vmss<instance>`: the pool is read from the name (the metric has no pool dimension). */
const NODE_NAME = /^aks-([a-z][a-z0-9]{0,11})-\d{8}-vmss[0-9a-z]+$/;
const WINDOW_MS = 60_000;
const NAMESPACE = "Microsoft.ContainerService/managedClusters";

/**
 * Samples cluster health from Azure Monitor platform metrics (no agent, no kubeconfig needed):
 * `kube_node_status_condition` split by node (Ready true/false per node, grouped into pools),
 * `kube_pod_status_ready` split by condition and `kube_pod_status_phase` split by phase, over the
 * last minute. The reads go to the metrics data plane of the cluster's region (`metrics:getBatch`),
 * not through ARM: a fleet's health gates spend none of the subscription's ARM read bucket. Three
 * queries, since one `filter` applies to every metric a query names and each metric is split by
 * its own dimension; missing series leave the sample incomplete, which fails the gate.
 */
export function createCaptureClusterHealthActivity(deps: CaptureClusterHealthDeps): (request: Pick<ArmStepRequest, "resourceId" | "clusterId">) => Promise<ClusterHealthSample> {
  // A cluster's location never changes, so it is read once per cluster and process (one entry per
  // registered cluster; a failed sample forgets it, so a re-registered cluster is read again).
  const regions = new Map<string, string>();
  return async ({ resourceId, clusterId }) => {
    const region = regions.get(resourceId.toLowerCase()) ?? await deps.locationOf(clusterId);
    if (!region) throw new ClusterLocationUnknownError(clusterId);
    try {
      const sample = await sampleOf(region, resourceId);
      regions.set(resourceId.toLowerCase(), region);
      return sample;
    } catch (err) {
      regions.delete(resourceId.toLowerCase());
      throw err;
    }
  };

  async function sampleOf(region: string, resourceId: string): Promise<ClusterHealthSample> {
    const now = deps.clock.now();
    const window = { startTime: new Date(now - WINDOW_MS), endTime: new Date(now), interval: "PT1M", aggregation: "Average", top: 1000 };
    const query = async (metric: string, filter: string): Promise<Series[]> => {
      const [result] = await deps.dataPlane.queryResources(region, [resourceId], [metric], NAMESPACE, { ...window, filter });
      // The SDK gives a metric's localized (display) name; its id ends with the metric's own name.
      return (result?.metrics ?? []).find((m) => m.id.toLowerCase().endsWith(`/${metric.toLowerCase()}`) || m.name === metric)?.timeseries ?? [];
    };
    const [nodes, ready, phases] = await Promise.all([
      query("kube_node_status_condition", "condition eq 'Ready' and status eq '*' and node eq '*'"),
      query("kube_pod_status_ready", "condition eq '*'"),
      query("kube_pod_status_phase", "phase eq '*'")
    ]);

    const pools = new Map<string, PoolNodeHealth>();
    for (const series of nodes) {
      const node = dimension(series, "node");
      const status = dimension(series, "status");
      const pool = NODE_NAME.exec(node ?? "")?.[1];
      if (!pool || latest(series) !== 1) continue;
      const entry = pools.get(pool) ?? { pool, nodesReady: 0, nodesTotal: 0 };
      if (status === "true") entry.nodesReady++;
      if (status === "true" || status === "false" || status === "unknown") entry.nodesTotal++;
      pools.set(pool, entry);
    }
    const byCondition = totals(ready, "condition");
    const byPhase = totals(phases, "phase");
    const readyPods = byCondition.get("true") ?? 0;
    const active = (byPhase.get("Running") ?? 0) + (byPhase.get("Pending") ?? 0);
    return {
      at: isoAt(deps.clock),
      pools: [...pools.values()].sort((a, b) => a.pool.localeCompare(b.pool)),
      podsReadyRatio: active === 0 ? 1 : Math.min(1, readyPods / active),
      podsFailed: byPhase.get("Failed") ?? 0,
      podsPending: byPhase.get("Pending") ?? 0
    };
  }
}

type Series = MetricsQueryResult["metrics"][number]["timeseries"][number];

function dimension(series: Series, name: string): string | undefined {
  return series.metadatavalues?.find((m) => m.name === name)?.value;
}

function latest(series: Series): number | undefined {
  const points = (series.data ?? []).filter((d) => typeof d.average === "number");
  return points[points.length - 1]?.average;
}

function totals(series: Series[], dim: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const one of series) {
    const key = dimension(one, dim);
    const value = latest(one);
    if (key !== undefined && value !== undefined) out.set(key, Math.round(value));
  }
  return out;
}
