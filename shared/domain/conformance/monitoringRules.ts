/** Monitoring, resource logs, events, cost and legacy add-ons (BASELINE.md §4 #45–#51, #68, #70). */
import type { ManagedCluster } from "@azure/arm-containerservice";
import { CLUSTER_LOG_CATEGORIES } from "../governance/desired";
import { addon, addonConfig, fail, notApplicable, pass, related, same, verdict } from "./checks";
import type { ObservedDiagnosticSetting } from "./observed";
import type { ConformanceRule } from "./rule";

const AKS_TOPIC_TYPE = "Microsoft.ContainerService.ManagedClusters";
const LEGACY_ADDONS = ["kubeDashboard", "httpApplicationRouting", "aciConnectorLinux"];

/** Whether a setting sends `category`: named, or through the `allLogs` group (or `audit` for the audit streams). */
function sends(setting: ObservedDiagnosticSetting, category: string): boolean {
  return (setting.logs ?? []).some((l) => l.enabled && (same(l.category, category)
    || same(l.categoryGroup, "allLogs") || (same(l.categoryGroup, "audit") && category.startsWith("kube-audit"))));
}

function enabledCategories(settings: ObservedDiagnosticSetting[]): Record<string, string[]> {
  return Object.fromEntries(settings.map((s) => [s.name ?? "?", (s.logs ?? []).filter((l) => l.enabled).map((l) => l.category ?? `group:${l.categoryGroup ?? "?"}`)]));
}

export const monitoringRules: ConformanceRule[] = [
  {
    id: "monitoring-ci", number: 45, title: "Container insights with Entra authentication",
    path: "properties.addonProfiles[~omsagent].enabled, .config[~logAnalyticsWorkspaceResourceID], .config[~useAADAuth]; Microsoft.Insights/dataCollectionRuleAssociations on the cluster",
    expected: "true, workspace set, useAADAuth \"true\", and an association to a DCR with the ContainerInsights extension",
    severity: "high", citation: "ART §Monitor and collect metrics (L538 \"Azure Monitor Container insights is the recommended tool\"); W25 §Reliability › Design checklist, §Operational Excellence › Design checklist", source: "seed", remediation: "automatic",
    check: (o) => {
      const oms = addon(o.cluster, "omsagent");
      if (!oms) return fail(null, "no omsagent add-on profile");
      const workspace = addonConfig(oms.profile, "logAnalyticsWorkspaceResourceID");
      const aadAuth = addonConfig(oms.profile, "useAADAuth");
      const addonObserved = { key: oms.key, enabled: oms.profile.enabled, logAnalyticsWorkspaceResourceID: workspace, useAADAuth: aadAuth };
      if (!(oms.profile.enabled === true && !!workspace && same(aadAuth, "true"))) return fail(addonObserved);
      // The add-on alone sends nothing: a DCR with the ContainerInsights extension must be associated (cluster-stamp.bicep:264-400).
      const read = related(o, "dataCollection");
      if ("missing" in read) return read.missing;
      const ci = read.value.find((a) => (a.rule?.dataSources?.extensions ?? []).some((e) => same(e.extensionName, "ContainerInsights")));
      const observed = { ...addonObserved, associations: read.value.map((a) => a.dataCollectionRuleId ?? a.name ?? "?") };
      return ci ? pass(observed, `${ci.name ?? "an association"} → ${ci.dataCollectionRuleId ?? "?"}`) : fail(observed, "no data collection rule association on the cluster points to a rule with the ContainerInsights extension: the add-on sends nothing");
    }
  },
  {
    id: "monitoring-prometheus", number: 46, title: "Managed Prometheus metrics",
    path: "properties.azureMonitorProfile.metrics.enabled; Microsoft.Insights/dataCollectionRuleAssociations on the cluster", expected: "true, and an association to a Prometheus DCR sending to an Azure Monitor workspace",
    severity: "medium", citation: "ART §Monitor and collect metrics (L540 Prometheus); baseline cluster-stamp.bicep:175-261", source: "seed", remediation: "automatic",
    check: (o) => {
      const enabled = o.cluster.azureMonitorProfile?.metrics?.enabled;
      if (enabled !== true) return fail({ metricsEnabled: enabled });
      const read = related(o, "dataCollection");
      if ("missing" in read) return read.missing;
      const prom = read.value.find((a) => (a.rule?.dataSources?.prometheusForwarder ?? []).some((f) => (f.streams ?? []).some((s) => same(s, "Microsoft-PrometheusMetrics")))
        && (a.rule?.destinations?.monitoringAccounts ?? []).some((m) => !!m.accountResourceId));
      const observed = { metricsEnabled: enabled, associations: read.value.map((a) => a.dataCollectionRuleId ?? a.name ?? "?") };
      return prom ? pass(observed, `${prom.name ?? "an association"} → ${prom.dataCollectionRuleId ?? "?"}`) : fail(observed, "no association on the cluster points to a Prometheus rule with an Azure Monitor workspace destination: metrics go nowhere");
    }
  },
  {
    id: "diag-control-plane", number: 47, title: "Control-plane resource logs to a workspace",
    path: "Microsoft.Insights/diagnosticSettings on the cluster: logs[enabled]", expected: `one setting to a workspace sending ${CLUSTER_LOG_CATEGORIES.join(", ")}`,
    severity: "high", citation: "ART §Monitor and collect metrics (L544-549); W25 §Operational Excellence › Design checklist (\"Enable diagnostics settings\"), §Azure policies", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "diagnosticSettings");
      if ("missing" in read) return read.missing;
      const observed = enabledCategories(read.value);
      if (read.value.length === 0) return fail(observed, "no diagnostic setting on the cluster");
      const complete = read.value.find((s) => !!s.workspaceId && CLUSTER_LOG_CATEGORIES.every((c) => sends(s, c)));
      if (complete) return pass(observed, `${complete.name ?? "a setting"} sends them`);
      const missing = CLUSTER_LOG_CATEGORIES.filter((c) => !read.value.some((s) => !!s.workspaceId && sends(s, c)));
      return fail(observed, missing.length > 0 ? `not sent to a workspace: ${missing.join(", ")}` : "no single setting sends all of them to a workspace");
    }
  },
  {
    id: "diag-audit-xor", number: 48, title: "Not both kube-audit and kube-audit-admin",
    path: "Microsoft.Insights/diagnosticSettings on the cluster: logs[kube-audit, kube-audit-admin]", expected: "never both enabled",
    severity: "medium", citation: "ART §Monitor and collect metrics (L548 \"There is no reason to have both KubeAudit and KubeAuditAdmin both enabled\")", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "diagnosticSettings");
      if ("missing" in read) return read.missing;
      if (read.value.length === 0) return notApplicable("no diagnostic setting on the cluster", {});
      const observed = enabledCategories(read.value);
      const audit = read.value.filter((s) => sends(s, "kube-audit")).map((s) => s.name);
      const admin = read.value.filter((s) => sends(s, "kube-audit-admin")).map((s) => s.name);
      return audit.length > 0 && admin.length > 0 ? fail(observed, `kube-audit in ${audit.join(", ")} and kube-audit-admin in ${admin.join(", ")}`) : pass(observed);
    }
  },
  {
    id: "diag-noisy-off", number: 49, title: "Costly log categories off in steady state",
    path: "Microsoft.Insights/diagnosticSettings on the cluster: logs[kube-scheduler, kube-audit]", expected: "disabled",
    severity: "low", citation: "ART §Monitor and collect metrics (L551 \"…might be considered an unnecessary cost\")", source: "seed", remediation: "automatic",
    environments: ["staging", "prod"], otherEnvironments: "kube-audit and kube-scheduler may be on in dev while tuning (BASELINE.md §5)",
    check: (o) => {
      const read = related(o, "diagnosticSettings");
      if ("missing" in read) return read.missing;
      const noisy = ["kube-scheduler", "kube-audit"].filter((c) => read.value.some((s) => sends(s, c)));
      return noisy.length === 0 ? pass(enabledCategories(read.value)) : fail(enabledCategories(read.value), `enabled: ${noisy.join(", ")}`);
    }
  },
  {
    id: "event-grid-topic", number: 51, title: "Event Grid system topic for the cluster's events",
    path: "Microsoft.EventGrid/systemTopics in the cluster's resource group: source, topicType", expected: `source = the cluster's id, topicType ${AKS_TOPIC_TYPE}`,
    severity: "medium", citation: "ART §Security updates (L572)", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "eventTopics");
      if ("missing" in read) return read.missing;
      const id = o.cluster.id ?? "";
      const topic = read.value.find((t) => same(t.source, id) && same(t.topicType, AKS_TOPIC_TYPE));
      return topic ? pass(topic.name ?? null) : fail(read.value.map((t) => t.name ?? "?"), "no system topic has the cluster as its source");
    }
  },
  {
    id: "cost-analysis", number: 68, title: "AKS cost analysis",
    path: "properties.metricsProfile.costAnalysis.enabled", expected: "true (needs tier Standard or Premium)",
    severity: "low", citation: "ART §Cost management (L682 \"Consider enabling AKS cost analysis\"); W25 §Cost Optimization › Recommendations", source: "seed", remediation: "automatic",
    check: ({ cluster }) => {
      if (!same(cluster.sku?.tier, "Standard") && !same(cluster.sku?.tier, "Premium")) return notApplicable(`cost analysis needs tier Standard or Premium (tier ${cluster.sku?.tier ?? "Free"})`, cluster.sku?.tier);
      return verdict(cluster.metricsProfile?.costAnalysis?.enabled === true, cluster.metricsProfile?.costAnalysis?.enabled);
    }
  },
  {
    id: "legacy-addons-off", number: 70, title: "Legacy add-ons off (dashboard, HTTP application routing, ACI connector)",
    path: "properties.addonProfiles[~kubeDashboard|~httpApplicationRouting|~aciConnectorLinux].enabled", expected: "not true",
    severity: "low", citation: "baseline cluster-stamp.bicep:818-845", source: "aks-baseline", remediation: "automatic",
    check: ({ cluster }) => legacyAddons(cluster)
  }
];

function legacyAddons(cluster: ManagedCluster) {
  const on = LEGACY_ADDONS.map((name) => addon(cluster, name)).filter((a) => a?.profile.enabled === true).map((a) => a!.key);
  return on.length === 0 ? pass([]) : fail(on, `enabled: ${on.join(", ")}`);
}
