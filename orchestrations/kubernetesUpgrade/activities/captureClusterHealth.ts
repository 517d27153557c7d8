import type { MonitorClient, Response as MetricsResponse } from "@azure/arm-monitor";
import type { ArmStepRequest } from "../../common/armStep";
import type { ClusterHealthSample, PoolNodeHealth } from "../../../shared/domain/healthGate";
import { isoAt, type ActivityClock } from "../../common/activities/ports";

export interface CaptureClusterHealthDeps {
  monitor: { metrics: Pick<MonitorClient["metrics"], "list"> };
  clock: ActivityClock;
}

/** AKS names nodes `aks-<pool>-<8 digits>-vmss<instance>`: the pool is read from the name (the metric has no pool dimension). */
const NODE_NAME = /^aks-([a-z][a-z0-9]{0,11})-\d{8}-vmss[0-9a-z]+$/;
const WINDOW_MS = 60_000;

/**
 * Samples cluster health from Azure Monitor platform metrics (no agent, no kubeconfig needed):
 * `kube_node_status_condition` split by node (Ready true/false per node, grouped into pools),
 * `kube_pod_status_ready` split by condition and `kube_pod_status_phase` split by phase, over the
 * last minute. Three metric reads; missing series leave the sample incomplete, which fails the gate.
 */
export function createCaptureClusterHealthActivity(deps: CaptureClusterHealthDeps): (request: Pick<ArmStepRequest, "resourceId">) => Promise<ClusterHealthSample> {
  return async ({ resourceId }) => {
    const now = deps.clock.now();
    const timespan = `${new Date(now - WINDOW_MS).toISOString()}/${new Date(now).toISOString()}`;
    const query = (metricnames: string, filter: string): Promise<MetricsResponse> =>
      deps.monitor.metrics.list(resourceId, { metricnames, timespan, interval: "PT1M", aggregation: "Average", filter, top: 1000 });
    const [nodes, ready, phases] = await Promise.all([
      query("kube_node_status_condition", "condition eq 'Ready' and status eq '*' and node eq '*'"),
      query("kube_pod_status_ready", "condition eq '*'"),
      query("kube_pod_status_phase", "phase eq '*'")
    ]);

    const pools = new Map<string, PoolNodeHealth>();
    for (const series of nodes.value[0]?.timeseries ?? []) {
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
  };
}

type Series = NonNullable<MetricsResponse["value"][number]["timeseries"]>[number];

function dimension(series: Series, name: string): string | undefined {
  return series.metadatavalues?.find((m) => m.name?.value === name)?.value;
}

function latest(series: Series): number | undefined {
  const points = (series.data ?? []).filter((d) => typeof d.average === "number");
  return points[points.length - 1]?.average;
}

function totals(response: MetricsResponse, dim: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const series of response.value[0]?.timeseries ?? []) {
    const key = dimension(series, dim);
    const value = latest(series);
    if (key !== undefined && value !== undefined) out.set(key, Math.round(value));
  }
  return out;
}
