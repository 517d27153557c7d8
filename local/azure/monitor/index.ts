/**
 * Simulator module "monitor" (sim-services): `Microsoft.Insights` diagnostic settings on any
 * resource, diagnostic categories of managed clusters, and AKS platform metrics derived from the
 * simulated fleet (through ARM and through the metrics data plane's `metrics:getBatch`) (nodes leave Ready while their pool rolls; the `unhealthyPool` fault keeps them
 * NotReady); action groups' webhook receivers get the alerts of the sources that name them
 * (budget notifications' contactGroups), retried on Azure Monitor's schedule.
 */
import type { SimKernel } from "../kernel";
import { registerActionGroupNotifier } from "./actionGroupNotifier";
import { registerEntraTokens } from "./entraTokens";
import { registerDiagnosticSettings } from "./diagnosticSettings";
import { fleetHistory } from "./fleetHistory";
import { registerMetrics } from "./metricsRoutes";
import { registerMetricsBatch } from "./metricsBatchRoutes";

export { fleetHistory, readFleet, type FleetHistory } from "./fleetHistory";
export type { ClusterState, PoolState, FleetView } from "./fleetState";
export { metricsDataPlane, MAX_BATCH_RESOURCES, METRICS_BATCH_API_VERSIONS, type MetricsDataPlane } from "./metricsBatchRoutes";
export { MAX_SETTINGS_PER_RESOURCE } from "./diagnosticSettings";
export { ACTION_GROUPS_APP_ID, publicKeyOf, registerEntraTokens, type EntraTokens } from "./entraTokens";
export { ACTION_GROUP_NOTIFIER, actionGroupRetryPolicy, registerActionGroupNotifier, type ActionGroupNotifier, type AlertPayloads } from "./actionGroupNotifier";

const SERVICE = "monitor";

export function registerMonitor(kernel: SimKernel): void {
  if (kernel.service(SERVICE)) return;
  kernel.provide(SERVICE, true);
  registerDiagnosticSettings(kernel);
  registerMetrics(kernel, fleetHistory(kernel));
  registerMetricsBatch(kernel, fleetHistory(kernel));
  registerActionGroupNotifier(kernel);
  registerEntraTokens(kernel);
}
