/**
 * An ObservedCluster shaped exactly like the AKS baseline (BASELINE.md §2 in the SDK's names), with
 * its related resources: every rule passes on it in prod. Tests change one property at a time.
 */
import type { ObservedCluster } from "../../../shared/domain/conformance";

const SUB = "00000000-0000-0000-0000-000000000001";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-bu0001a0008`;
export const CLUSTER_ID = `${RG}/providers/Microsoft.ContainerService/managedClusters/aks-base`;
const SPOKE = `/subscriptions/${SUB}/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
export const NODE_SUBNET = `${SPOKE}/subnets/snet-clusternodes`;
const LA = `${RG}/providers/Microsoft.OperationalInsights/workspaces/la-aks`;
export const ADMINS = "6b1e0000-0000-4000-8000-000000000001";

const pool = (name: string, mode: "System" | "User", count: number) => ({
  name, mode, count, minCount: count, maxCount: count + 2, enableAutoScaling: true,
  vmSize: mode === "System" ? "Standard_D2d_v5" : "Standard_D4d_v5", osDiskSizeGB: 64, osDiskType: "Ephemeral", osType: "Linux", osSKU: "AzureLinux",
  vnetSubnetID: NODE_SUBNET, enableNodePublicIP: false, maxPods: 30, availabilityZones: ["1", "2", "3"],
  orchestratorVersion: "1.34.2", currentOrchestratorVersion: "1.34.2", upgradeSettings: { maxSurge: "33%" },
  tags: { "Business unit": "BU0001" },
  ...(mode === "System" ? { nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] } : {})
});

export function baselineObserved(): ObservedCluster {
  return {
    cluster: {
      id: CLUSTER_ID, name: "aks-base", location: "eastus",
      sku: { name: "Base", tier: "Standard" },
      identity: { type: "UserAssigned", userAssignedIdentities: { [`${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-cp`]: {} } },
      kubernetesVersion: "1.34.2", currentKubernetesVersion: "1.34.2",
      agentPoolProfiles: [pool("npsystem", "System", 3), pool("npuser01", "User", 2)],
      servicePrincipalProfile: { clientId: "msi" },
      addonProfiles: {
        httpApplicationRouting: { enabled: false },
        omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceId: LA, useAADAuth: "true" } },
        azurepolicy: { enabled: true, config: { version: "v2" } },
        kubeDashboard: { enabled: false },
        azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "false" } }
      },
      enableRbac: true,
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "azure", outboundType: "userDefinedRouting", podCidr: "192.168.0.0/16" },
      aadProfile: { managed: true, enableAzureRbac: true, adminGroupObjectIDs: [ADMINS] },
      apiServerAccessProfile: {
        enablePrivateCluster: true, enableVnetIntegration: true, subnetId: `${SPOKE}/subnets/snet-privatecluster`, disableRunCommand: true,
        privateDNSZone: `${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.eastus.azmk8s.io`
      },
      podIdentityProfile: { enabled: false },
      autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "NodeImage" },
      azureMonitorProfile: { metrics: { enabled: true } },
      metricsProfile: { costAnalysis: { enabled: true } },
      disableLocalAccounts: true,
      securityProfile: {
        workloadIdentity: { enabled: true }, imageCleaner: { enabled: true, intervalHours: 120 },
        defender: { logAnalyticsWorkspaceResourceId: LA, securityMonitoring: { enabled: true } }
      },
      oidcIssuerProfile: { enabled: true }
    },
    diagnosticSettings: [{
      name: "default", workspaceId: LA,
      logs: [
        { category: "cluster-autoscaler", enabled: true }, { category: "kube-controller-manager", enabled: true },
        { category: "kube-audit-admin", enabled: true }, { category: "guard", enabled: true }, { category: "kube-scheduler", enabled: false }
      ]
    }],
    nodeSubnets: [{
      id: NODE_SUBNET,
      subnet: { id: NODE_SUBNET, name: "snet-clusternodes", routeTable: { id: "rt" }, networkSecurityGroup: { id: "nsg" } },
      routeTable: { id: "rt", routes: [{ name: "r-nexthop-to-fw", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.200.0.4" }] }
    }],
    apiServerSubnet: { id: `${SPOKE}/subnets/snet-privatecluster`, name: "snet-privatecluster", delegations: [{ serviceName: "Microsoft.ContainerService/managedClusters" }] },
    maintenanceConfigurations: [{ name: "aksManagedNodeOSUpgradeSchedule", maintenanceWindow: { durationHours: 12, schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Tuesday" } } } }],
    kubernetesVersions: [{ version: "1.33", isPreview: false }, { version: "1.34", isPreview: false }, { version: "1.35", isPreview: false }, { version: "1.36", isPreview: true }],
    eventTopics: [{ name: "aks-base-events", source: CLUSTER_ID.toLowerCase(), topicType: "Microsoft.ContainerService.ManagedClusters" }],
    // cluster-stamp.bicep:1039-1081: the admin group at the cluster, a reader group on a namespace.
    roleAssignments: [
      { scope: CLUSTER_ID, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`, principalId: ADMINS, principalType: "Group" },
      { scope: CLUSTER_ID, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4abbcc35-e782-43d8-92c5-2d3f1bd2253f`, principalId: ADMINS, principalType: "Group" },
      { scope: `${CLUSTER_ID}/namespaces/a0008`, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/7f6c6a51-bcf8-42ba-9220-52d62157d7db`, principalId: "6b1e0000-0000-4000-8000-000000000002", principalType: "Group" }
    ],
    // cluster-stamp.bicep:196-400: the Prometheus and Container insights rules, associated with the cluster.
    dataCollection: [
      { name: "MSProm-eastus-aks-base", dataCollectionRuleId: `${RG}/providers/Microsoft.Insights/dataCollectionRules/MSProm-eastus-aks-base`,
        rule: { dataSources: { prometheusForwarder: [{ streams: ["Microsoft-PrometheusMetrics"] }] }, destinations: { monitoringAccounts: [{ accountResourceId: `${RG}/providers/Microsoft.Monitor/accounts/amw-aks-base` }] } } },
      { name: "MSCI-eastus-aks-base", dataCollectionRuleId: `${RG}/providers/Microsoft.Insights/dataCollectionRules/MSCI-eastus-aks-base`,
        rule: { dataSources: { extensions: [{ extensionName: "ContainerInsights" }] }, destinations: { logAnalytics: [{ workspaceResourceId: LA }] } } }
    ]
  };
}
