import type { ClusterState } from "./fleetState";
import { nodeCpuPercent, nodesOf, podsOf } from "./fleetModel";

/**
 * The AKS platform metrics the simulator derives, with the names, units, aggregations and
 * dimensions of "Supported metrics for Microsoft.ContainerService/managedClusters"
 * (https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-containerservice-managedclusters-metrics).
 */

export interface RawSeries {
  dims: Record<string, string>;
  value: number;
}

export interface MetricSpec {
  name: string;
  displayName: string;
  description: string;
  category: string;
  unit: "Count" | "Percent";
  primaryAggregationType: "Average";
  supportedAggregationTypes: string[];
  dimensions: string[];
  /**
   * How series are combined when a dimension is not split: a count gauge adds up (3 Ready nodes),
   * a percentage averages.
   */
  combine: "sum" | "mean";
  series(state: ClusterState, at: number): RawSeries[];
}

const TIME_GRAINS = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"];
export const METRIC_TIME_GRAINS = TIME_GRAINS;

/** Node conditions kube-state-metrics reports; only Ready changes in the simulation. */
const NODE_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"];

export const AKS_METRICS: MetricSpec[] = [
  {
    name: "kube_node_status_condition",
    displayName: "Statuses for various node conditions",
    description: "Statuses for various node conditions",
    category: "Nodes",
    unit: "Count",
    primaryAggregationType: "Average",
    supportedAggregationTypes: ["Average"],
    dimensions: ["condition", "status", "status2", "node"],
    combine: "sum",
    series: (state) => nodesOf(state).flatMap((node) => NODE_CONDITIONS.flatMap((condition) => {
      const actual = condition === "Ready" ? String(node.ready) : "false";
      return ["true", "false", "unknown"].map((status) => ({
        dims: { condition, status, status2: "", node: node.name },
        value: status === actual ? 1 : 0
      }));
    }))
  },
  {
    name: "kube_pod_status_ready",
    displayName: "Number of pods in Ready state",
    description: "Number of pods in Ready state",
    category: "Pods",
    unit: "Count",
    primaryAggregationType: "Average",
    supportedAggregationTypes: ["Average"],
    dimensions: ["namespace", "pod", "condition"],
    combine: "sum",
    series: (state) => podsOf(state).flatMap((pod) => ["true", "false"].map((condition) => ({
      dims: { namespace: pod.namespace, pod: pod.name, condition },
      value: String(pod.ready) === condition ? 1 : 0
    })))
  },
  {
    name: "kube_pod_status_phase",
    displayName: "Number of pods by phase",
    description: "Number of pods by phase",
    category: "Pods",
    unit: "Count",
    primaryAggregationType: "Average",
    supportedAggregationTypes: ["Average"],
    dimensions: ["phase", "namespace", "pod"],
    combine: "sum",
    series: (state) => podsOf(state).flatMap((pod) => ["Pending", "Running", "Succeeded", "Failed", "Unknown"].map((phase) => ({
      dims: { phase, namespace: pod.namespace, pod: pod.name },
      value: pod.phase === phase ? 1 : 0
    })))
  },
  {
    name: "node_cpu_usage_percentage",
    displayName: "CPU Usage Percentage",
    description: "Aggregated average CPU utilization measured in percentage across the cluster",
    category: "Nodes (preview)",
    unit: "Percent",
    primaryAggregationType: "Average",
    supportedAggregationTypes: ["Average", "Maximum", "Minimum", "Total", "Count"],
    dimensions: ["node", "nodepool"],
    combine: "mean",
    series: (state, at) => nodesOf(state).map((node) => ({ dims: { node: node.name, nodepool: node.pool }, value: nodeCpuPercent(node, at) }))
  }
];

export function findMetric(name: string): MetricSpec | undefined {
  return AKS_METRICS.find((m) => m.name.toLowerCase() === name.toLowerCase());
}
