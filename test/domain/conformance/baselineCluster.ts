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
const HUB_RG = `/subscriptions/${SUB}/resourceGroups/rg-hubs`;
export const HUB = `${HUB_RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
export const FIREWALL = `${HUB_RG}/providers/Microsoft.Network/azureFirewalls/fw-hub`;
export const FIREWALL_PIP = `${HUB_RG}/providers/Microsoft.Network/publicIPAddresses/pip-fw-hub`;
const IP_GROUP = `${HUB_RG}/providers/Microsoft.Network/ipGroups/ipg-aksnodepools`;
export const ACR = `${RG}/providers/Microsoft.ContainerRegistry/registries/acraksbase`;
export const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-aks-base`;
export const APPGW = `${RG}/providers/Microsoft.Network/applicationGateways/apw-aks-base`;
const WAF = `${RG}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf-aks-base`;
const PE_SUBNET = `${SPOKE}/subnets/snet-privatelinkendpoints`;
export const KUBELET = "11111111-1111-4111-8111-111111111111";
export const CONTROL_PLANE = "22222222-2222-4222-8222-222222222222";
export const GATEWAY = "33333333-3333-4333-8333-333333333333";
export const INGRESS = "44444444-4444-4444-8444-444444444444";
const role = (scope: string, roleId: string, principalId: string, n: number) => ({
  id: `${scope}/providers/Microsoft.Authorization/roleAssignments/0000000${n}-0000-4000-8000-000000000000`,
  properties: { scope, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`, principalId, principalType: "ServicePrincipal" }
});
const policy = (name: string, definition: string, parameters: Record<string, { value: unknown }>) => ({
  name, id: `${RG}/providers/Microsoft.Authorization/policyAssignments/${name}`,
  properties: { policyDefinitionId: `/providers/Microsoft.Authorization/${definition}`, scope: RG, enforcementMode: "Default", parameters }
});
const diag = (id: string, kind: "firewall" | "appGateway" | "keyVault" | "registry" | "nsg" | "publicIp") => ({
  id, kind, settings: [{ name: "default", workspaceId: LA, logs: [{ categoryGroup: "allLogs", enabled: true }] }]
});
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
      identityProfile: { kubeletidentity: { objectId: KUBELET } },
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
      subnet: { id: NODE_SUBNET, name: "snet-clusternodes", addressPrefix: "10.240.0.0/22", routeTable: { id: "rt" }, networkSecurityGroup: { id: "nsg" } },
      routeTable: { id: "rt", routes: [{ name: "r-nexthop-to-fw", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.200.0.4" }] }
    }],
    apiServerSubnet: { id: `${SPOKE}/subnets/snet-privatecluster`, name: "snet-privatecluster", delegations: [{ serviceName: "Microsoft.ContainerService/managedClusters" }] },
    maintenanceConfigurations: [{ name: "aksManagedNodeOSUpgradeSchedule", maintenanceWindow: { durationHours: 12, schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Tuesday" } } } }],
    kubernetesVersions: [{ version: "1.33", isPreview: false }, { version: "1.34", isPreview: false }, { version: "1.35", isPreview: false }, { version: "1.36", isPreview: true }],
    eventTopics: [{ name: "aks-base-events", source: CLUSTER_ID.toLowerCase(), topicType: "Microsoft.ContainerService.ManagedClusters" }],
    firewalls: [{
      id: FIREWALL, name: "fw-hub", zones: ["1", "2", "3"],
      properties: { firewallPolicy: { id: `${HUB_RG}/providers/Microsoft.Network/firewallPolicies/fwp-hub` },
        ipConfigurations: [{ name: "pip-fw-hub", properties: { privateIPAddress: "10.200.0.4", publicIPAddress: { id: FIREWALL_PIP }, subnet: { id: `${HUB}/subnets/AzureFirewallSubnet` } } }] }
    }],
    firewallRules: {
      ruleCollectionGroups: { [FIREWALL.toLowerCase()]: [{ name: "DefaultApplicationRuleCollectionGroup", properties: { priority: 300, ruleCollections: [{
        ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "AKS-Global-Requirements", action: { type: "Allow" },
        rules: [{ ruleType: "ApplicationRule", name: "service-requirements", fqdnTags: ["AzureKubernetesService"], sourceIpGroups: [IP_GROUP] }]
      }] } }] },
      ipGroups: { [IP_GROUP.toLowerCase()]: ["10.240.0.0/22"] }
    },
    peerings: {
      spokeId: SPOKE, hubId: HUB,
      spoke: [{ name: "to_vnet-hub", properties: { remoteVirtualNetwork: { id: HUB }, peeringState: "Connected", allowVirtualNetworkAccess: true } }],
      hub: [{ name: "to_vnet-spoke", properties: { remoteVirtualNetwork: { id: SPOKE }, peeringState: "Connected", allowVirtualNetworkAccess: true } }]
    },
    bastionHosts: [{ name: "ab-hub", properties: { ipConfigurations: [{ properties: { subnet: { id: `${HUB}/subnets/AzureBastionSubnet` } } }] } }],
    registries: [{
      id: ACR, name: "acraksbase", sku: { name: "Premium" },
      properties: { loginServer: "acraksbase.azurecr.io", adminUserEnabled: false, anonymousPullEnabled: false, publicNetworkAccess: "Disabled" },
      replicaLocations: ["eastus", "centralus"],
      privateEndpoints: [{ id: `${RG}/providers/Microsoft.Network/privateEndpoints/pe-acr`, properties: { subnet: { id: PE_SUBNET }, privateLinkServiceConnections: [{ properties: { privateLinkServiceId: ACR, groupIds: ["registry"] } }] } }]
    }],
    vaults: [{
      id: KV, name: "kv-aks-base",
      properties: { enableRbacAuthorization: true, networkAcls: { defaultAction: "Deny", ipRules: [] } },
      privateEndpoints: [{ id: `${RG}/providers/Microsoft.Network/privateEndpoints/pe-kv`, properties: { subnet: { id: PE_SUBNET }, privateLinkServiceConnections: [{ properties: { privateLinkServiceId: KV, groupIds: ["vault"] } }] } }]
    }],
    appGateways: [{
      id: APPGW, name: "apw-aks-base", zones: ["1", "2", "3"],
      properties: {
        sku: { name: "WAF_v2", tier: "WAF_v2" }, sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_2" }, firewallPolicy: { id: WAF },
        httpListeners: [{ name: "listener-https", properties: { protocol: "Https", requireServerNameIndication: true } }]
      },
      wafPolicy: { id: WAF, name: "waf-aks-base", properties: { policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.2" }] } } },
      principalIds: [GATEWAY]
    }],
    controlPlanePrincipalId: CONTROL_PLANE,
    roleAssignments: [
      role(ACR, "7f951dda-4ed3-4680-a7ca-43fe172d538d", KUBELET, 1),
      role(SPOKE, "4d97b98b-1d4f-4787-a291-c67834d212e7", CONTROL_PLANE, 2),
      role(KV, "4633458b-17de-408a-b874-0445c86b69e6", GATEWAY, 3),
      role(KV, "4633458b-17de-408a-b874-0445c86b69e6", INGRESS, 4)
    ],
    policyAssignments: [
      policy("restricted", "policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00", { effect: { value: "Audit" } }),
      policy("images", "policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469", { effect: { value: "Deny" }, allowedContainerImagesRegex: { value: "^(acraksbase\\.azurecr\\.io/.+|mcr\\.microsoft\\.com/.+)$" } }),
      policy("limits", "policyDefinitions/e345eecc-fa47-480f-9e88-67dcc122b164", { effect: { value: "Deny" }, cpuLimit: { value: "500m" }, memoryLimit: { value: "256Mi" } })
    ],
    budgets: [{ name: "aks-base", properties: { amount: 1000, notifications: { actual50: { enabled: true, threshold: 50, thresholdType: "Actual" } } } }],
    extensions: [
      { name: "flux", properties: { extensionType: "microsoft.flux", provisioningState: "Succeeded" } },
      { name: "azure-aks-backup", properties: { extensionType: "microsoft.dataprotection.kubernetes", provisioningState: "Succeeded" } }
    ],
    fluxConfigurations: [{ name: "bootstrap", properties: { gitRepository: { url: "https://github.com/mspnp/aks-baseline" }, provisioningState: "Succeeded" } }],
    dependencyDiagnostics: [diag(FIREWALL, "firewall"), diag(APPGW, "appGateway"), diag(KV, "keyVault"), diag(ACR, "registry"), diag("nsg", "nsg"), diag(FIREWALL_PIP, "publicIp")],
    // cluster-stamp.bicep:1039-1081: the admin group at the cluster, a reader group on a namespace.
    clusterRoleAssignments: [
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
