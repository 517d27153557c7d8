/**
 * Diagnostic categories per resource type. AKS's are from "Supported logs for
 * Microsoft.ContainerService/managedClusters"
 * (https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-containerservice-managedclusters-logs),
 * checked in 2026: the control-plane components, the CSI controllers, the fleet agents, guard and
 * karpenter-events (node auto-provisioning), plus the `AllMetrics` metric category. Category groups:
 * `allLogs` covers every log category, `audit` the audit ones (kube-audit, kube-audit-admin, guard).
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

const BY_TYPE: Record<string, CategoryInfo[]> = {
  "microsoft.containerservice/managedclusters": AKS_CATEGORIES
};

/** The categories a resource type offers, or undefined when the simulator does not know them (then any is accepted). */
export function categoriesFor(resourceType: string): CategoryInfo[] | undefined {
  return BY_TYPE[resourceType.toLowerCase()];
}

export function categoryGroupsOf(categories: CategoryInfo[]): string[] {
  return [...new Set(categories.flatMap((c) => c.categoryGroups ?? []))];
}
