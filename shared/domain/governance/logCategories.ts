/**
 * The resource-log categories the platform wants to reach each governed resource's Log Analytics
 * workspace: ONE definition that provisioning (shared/domain/baseline/profile.ts writes the
 * settings) and governance (keeps what reaches the workspace so) both read. Pure data.
 *
 * Sources: BASELINE.md §F31 (cluster, `cluster-stamp.bicep:1083-1111`), §B13 (Azure Firewall,
 * `hub-default.bicep:525-659`), §F43 (Application Gateway with its WAF log,
 * `cluster-stamp.bicep:1413-1433`), §F14 (Key Vault, `cluster-stamp.bicep:544-562`), §E10 (ACR,
 * `acr-stamp.bicep:212-243`); each category checked against Microsoft's "Supported categories for
 * Azure Monitor resource logs"
 * (https://learn.microsoft.com/azure/azure-monitor/reference/logs-index, one page per type, e.g.
 * …/supported-logs/microsoft-network-azurefirewalls-logs).
 */

export type GovernedResourceKind = "cluster" | "firewall" | "applicationGateway" | "keyVault" | "containerRegistry";

export interface DesiredResourceLogs {
  kind: GovernedResourceKind;
  /** ARM resource type, as Azure spells it (compare case-insensitively). */
  resourceType: string;
  /** Exactly these log categories reach the workspace. */
  categories: readonly string[];
  /** Categories that must not reach it (cost or noise), reported with a higher severity. */
  forbidden: readonly string[];
  /** Metric categories provisioning sends (governance leaves metrics as they are). */
  metrics: readonly string[];
  /** The setting the platform creates when no setting sends this resource's logs to the workspace. */
  platformSetting: string;
}

/** The platform's own setting on a cluster (kept for existing clusters: renaming it would orphan theirs). */
export const PLATFORM_CLUSTER_SETTING = "aksops-cluster-logs";
/** The platform's own setting on the baseline's other resources. */
export const PLATFORM_RESOURCE_SETTING = "aksops-logs";

export const DESIRED_RESOURCE_LOGS: Readonly<Record<GovernedResourceKind, DesiredResourceLogs>> = {
  cluster: {
    kind: "cluster", resourceType: "Microsoft.ContainerService/managedClusters",
    // `kube-audit` is never on beside `kube-audit-admin` (same stream with reads added, at many
    // times the cost), and `kube-scheduler` stays off (BASELINE.md §4, `cluster-stamp.bicep:1105-1108`).
    categories: ["cluster-autoscaler", "kube-controller-manager", "kube-audit-admin", "guard"],
    forbidden: ["kube-audit", "kube-scheduler"],
    metrics: [],
    platformSetting: PLATFORM_CLUSTER_SETTING
  },
  firewall: {
    kind: "firewall", resourceType: "Microsoft.Network/azureFirewalls",
    categories: [
      "AzureFirewallApplicationRule", "AzureFirewallNetworkRule", "AzureFirewallDnsProxy",
      "AZFWNetworkRule", "AZFWApplicationRule", "AZFWNatRule", "AZFWThreatIntel", "AZFWIdpsSignature", "AZFWDnsQuery",
      "AZFWFqdnResolveFailure", "AZFWFatFlow", "AZFWFlowTrace", "AZFWApplicationRuleAggregation", "AZFWNetworkRuleAggregation", "AZFWNatRuleAggregation"
    ],
    forbidden: [],
    metrics: ["AllMetrics"],
    platformSetting: PLATFORM_RESOURCE_SETTING
  },
  applicationGateway: {
    kind: "applicationGateway", resourceType: "Microsoft.Network/applicationGateways",
    // ApplicationGatewayFirewallLog is the WAF's log.
    categories: ["ApplicationGatewayAccessLog", "ApplicationGatewayPerformanceLog", "ApplicationGatewayFirewallLog"],
    forbidden: [],
    metrics: [],
    platformSetting: PLATFORM_RESOURCE_SETTING
  },
  keyVault: {
    kind: "keyVault", resourceType: "Microsoft.KeyVault/vaults",
    categories: ["AuditEvent"],
    forbidden: [],
    metrics: ["AllMetrics"],
    platformSetting: PLATFORM_RESOURCE_SETTING
  },
  containerRegistry: {
    kind: "containerRegistry", resourceType: "Microsoft.ContainerRegistry/registries",
    categories: ["ContainerRegistryRepositoryEvents", "ContainerRegistryLoginEvents"],
    forbidden: [],
    metrics: ["AllMetrics"],
    platformSetting: PLATFORM_RESOURCE_SETTING
  }
};

/** The desired logs of a resource type (any case), or undefined when the platform does not govern it. */
export function desiredLogsForType(resourceType: string): DesiredResourceLogs | undefined {
  const t = resourceType.toLowerCase();
  return Object.values(DESIRED_RESOURCE_LOGS).find((d) => d.resourceType.toLowerCase() === t);
}

/** The desired logs of a resource id (`…/providers/Microsoft.Network/azureFirewalls/fw-1`). */
export function desiredLogsForResource(resourceId: string): DesiredResourceLogs | undefined {
  const m = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(resourceId.replace(/\/+$/, ""));
  return m ? desiredLogsForType(m[1]!) : undefined;
}

/** The `logs` (and `metrics`) body of the setting provisioning writes for a kind. */
export function desiredSettingBody(kind: GovernedResourceKind, workspaceId: string): { workspaceId: string; logs: { category: string; enabled: boolean }[]; metrics?: { category: string; enabled: boolean }[] } {
  const d = DESIRED_RESOURCE_LOGS[kind];
  return {
    workspaceId,
    logs: d.categories.map((category) => ({ category, enabled: true })),
    ...(d.metrics.length ? { metrics: Array.from(d.metrics, (category) => ({ category, enabled: true })) } : {})
  };
}
