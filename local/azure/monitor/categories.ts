/**
 * Diagnostic categories per resource type, from Microsoft's "Supported categories for Azure
 * Monitor resource logs" (https://learn.microsoft.com/azure/azure-monitor/reference/logs-index,
 * one page per type under …/reference/supported-logs/), checked in 2026:
 * - AKS (…/microsoft-containerservice-managedclusters-logs): the control-plane components, the CSI
 *   controllers, the fleet agents, guard and karpenter-events (node auto-provisioning);
 * - Azure Firewall (…/microsoft-network-azurefirewalls-logs): the resource-specific `AZFW*` tables
 *   and the three legacy `AzureFirewall*` categories (AzureDiagnostics);
 * - Application Gateway (…/microsoft-network-applicationgateways-logs): access, performance and
 *   firewall (WAF) logs;
 * - Key Vault (…/microsoft-keyvault-vaults-logs): `AuditEvent`, `AzurePolicyEvaluationDetails`;
 * - Container Registry (…/microsoft-containerregistry-registries-logs): login and repository events;
 * each with the `AllMetrics` metric category. Category groups: `allLogs` covers every log
 * category, `audit` the audit ones (AKS: kube-audit, kube-audit-admin, guard; Key Vault: AuditEvent).
 */

export interface CategoryInfo {
  name: string;
  categoryType: "Logs" | "Metrics";
  categoryGroups?: string[];
}

const AUDIT = new Set(["kube-audit", "kube-audit-admin", "guard"]);

const AKS_LOG_CATEGORIES = [
  "cloud-controller-manager",
  "cluster-autoscaler",
  "csi-azuredisk-controller",
  "csi-azurefile-controller",
  "csi-snapshot-controller",
  "fleet-mcs-controller-manager",
  "fleet-member-agent",
  "fleet-member-net-controller-manager",
  "guard",
  "karpenter-events",
  "kube-apiserver",
  "kube-audit",
  "kube-audit-admin",
  "kube-controller-manager",
  "kube-scheduler"
];

const AKS_CATEGORIES: CategoryInfo[] = [
  ...AKS_LOG_CATEGORIES.map((name): CategoryInfo => ({ name, categoryType: "Logs", categoryGroups: AUDIT.has(name) ? ["audit", "allLogs"] : ["allLogs"] })),
  { name: "AllMetrics", categoryType: "Metrics" }
];

function categoriesOf(logs: string[], audit: readonly string[] = []): CategoryInfo[] {
  return [
    ...logs.map((name): CategoryInfo => ({ name, categoryType: "Logs", categoryGroups: audit.includes(name) ? ["audit", "allLogs"] : ["allLogs"] })),
    { name: "AllMetrics", categoryType: "Metrics" }
  ];
}

const FIREWALL_CATEGORIES = categoriesOf([
  "AZFWApplicationRule", "AZFWApplicationRuleAggregation", "AZFWDnsAdditional", "AZFWDnsQuery", "AZFWFatFlow", "AZFWFlowTrace",
  "AZFWFqdnResolveFailure", "AZFWIdpsSignature", "AZFWNatRule", "AZFWNatRuleAggregation", "AZFWNetworkRule", "AZFWNetworkRuleAggregation",
  "AZFWThreatIntel", "AzureFirewallApplicationRule", "AzureFirewallDnsProxy", "AzureFirewallNetworkRule"
]);
const APP_GATEWAY_CATEGORIES = categoriesOf(["ApplicationGatewayAccessLog", "ApplicationGatewayFirewallLog", "ApplicationGatewayPerformanceLog"]);
const KEY_VAULT_CATEGORIES = categoriesOf(["AuditEvent", "AzurePolicyEvaluationDetails"], ["AuditEvent"]);
const REGISTRY_CATEGORIES = categoriesOf(["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"]);

const BY_TYPE: Record<string, CategoryInfo[]> = {
  "microsoft.containerservice/managedclusters": AKS_CATEGORIES,
  "microsoft.network/azurefirewalls": FIREWALL_CATEGORIES,
  "microsoft.network/applicationgateways": APP_GATEWAY_CATEGORIES,
  "microsoft.keyvault/vaults": KEY_VAULT_CATEGORIES,
  "microsoft.containerregistry/registries": REGISTRY_CATEGORIES
};

/** The categories a resource type offers, or undefined when the simulator does not know them (then any is accepted). */
export function categoriesFor(resourceType: string): CategoryInfo[] | undefined {
  return BY_TYPE[resourceType.toLowerCase()];
}

export function categoryGroupsOf(categories: CategoryInfo[]): string[] {
  return [...new Set(categories.flatMap((c) => c.categoryGroups ?? []))];
}
