/**
 * Every Azure Resource Manager operation the platform calls, with the action ARM authorizes it by:
 * the one list of what the platform's identity needs on the managed subscription. It is checked in
 * both directions by test/infra (nothing here is read at run time):
 *   - every ARM SDK call in functions/, orchestrations/ and shared/ appears here as `call`;
 *   - every `actions` entry is granted by a role infra/subscription-roles.bicep assigns (the built-in
 *     roles below, whose published definitions are copied here, or the custom role), and the custom
 *     role holds nothing else.
 *
 * `call` is `<operation group>.<method>` of the generated clients in shared/azure/arm-clients.ts, or
 * a platform port that sends its own ARM request. `actions` include those ARM also checks on the
 * caller of a request (linked access checks), e.g. joining the subnet a cluster's PUT names.
 */
export interface RequiredPermission {
  readonly call: string;
  readonly actions: readonly string[];
  readonly why: string;
}

/** The built-in roles subscription-roles.bicep assigns, as Azure publishes them (`az role definition list --name <id>`). */
export interface BuiltInRole {
  readonly id: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

export const BuiltInRoles: Readonly<Record<string, BuiltInRole>> = {
  // Definition of 2025-07-24 (managedClusters/* and locations/* since 2024-06-25).
  "Azure Kubernetes Service Contributor Role": {
    id: "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.ContainerService/locations/*",
      "Microsoft.ContainerService/managedClusters/*",
      "Microsoft.ContainerService/managedclustersnapshots/*",
      "Microsoft.ContainerService/snapshots/*",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.ContainerService/deploymentSafeguards/*"
    ],
    notActions: []
  },
  "Monitoring Reader": {
    id: "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    actions: ["*/read", "Microsoft.OperationalInsights/workspaces/search/action", "Microsoft.Support/*"],
    notActions: []
  },
  "Cost Management Reader": {
    id: "72fafb9e-0641-4937-9268-a91bfd8191a3",
    actions: [
      "Microsoft.Consumption/*/read",
      "Microsoft.CostManagement/*/read",
      "Microsoft.Billing/billingPeriods/read",
      "Microsoft.Resources/subscriptions/read",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
      "Microsoft.Advisor/configurations/read",
      "Microsoft.Advisor/recommendations/read",
      "Microsoft.Management/managementGroups/read",
      "Microsoft.Billing/billingProperty/read"
    ],
    notActions: []
  },
  // Event subscriptions on topics; grants no systemTopics action, not even on their subscriptions.
  "EventGrid EventSubscription Contributor": {
    id: "428e0ff0-5e57-4d9c-a221-2c70d0e0a443",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.EventGrid/eventSubscriptions/*",
      "Microsoft.EventGrid/topicTypes/eventSubscriptions/read",
      "Microsoft.EventGrid/locations/eventSubscriptions/read",
      "Microsoft.EventGrid/locations/topicTypes/eventSubscriptions/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*"
    ],
    notActions: []
  }
};

const AKS = "Microsoft.ContainerService/managedClusters";

/** What provisioning writes (the baseline profile's types) and the linked access ARM checks on the caller for those PUTs. */
const NET = "Microsoft.Network";
export const ProvisioningWriteActions: readonly string[] = [
  "Microsoft.Resources/subscriptions/resourceGroups/write",
  `${NET}/virtualNetworks/write`, `${NET}/virtualNetworks/virtualNetworkPeerings/write`, `${NET}/virtualNetworks/peer/action`,
  `${NET}/networkSecurityGroups/write`, `${NET}/networkSecurityGroups/join/action`,
  `${NET}/routeTables/write`, `${NET}/routeTables/join/action`,
  `${NET}/publicIPAddresses/write`, `${NET}/publicIPAddresses/join/action`,
  `${NET}/azureFirewalls/write`, `${NET}/firewallPolicies/write`, `${NET}/firewallPolicies/join/action`, `${NET}/firewallPolicies/ruleCollectionGroups/write`,
  `${NET}/ipGroups/write`, `${NET}/ipGroups/join/action`,
  `${NET}/privateEndpoints/write`, `${NET}/privateEndpoints/privateDnsZoneGroups/write`,
  `${NET}/privateDnsZones/write`, `${NET}/privateDnsZones/join/action`, `${NET}/privateDnsZones/virtualNetworkLinks/write`,
  `${NET}/applicationGateways/write`, `${NET}/ApplicationGatewayWebApplicationFirewallPolicies/write`, `${NET}/ApplicationGatewayWebApplicationFirewallPolicies/join/action`,
  "Microsoft.ContainerRegistry/registries/write", "Microsoft.ContainerRegistry/registries/replications/write", "Microsoft.ContainerRegistry/registries/privateEndpointConnectionsApproval/action",
  "Microsoft.KeyVault/vaults/write", "Microsoft.KeyVault/vaults/privateEndpointConnectionsApproval/action",
  "Microsoft.OperationalInsights/workspaces/write",
  "Microsoft.ManagedIdentity/userAssignedIdentities/write",
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Insights/diagnosticSettings/write",
  "Microsoft.Consumption/budgets/write",
  // Guardrails (issue 29): the reference's policy assignments and custom definition, Bastion, GitOps.
  "Microsoft.Authorization/policyAssignments/write", "Microsoft.Authorization/policyDefinitions/write",
  `${NET}/bastionHosts/write`,
  "Microsoft.KubernetesConfiguration/extensions/write", "Microsoft.KubernetesConfiguration/fluxConfigurations/write",
  // Issue 28: the dev certificates, the ingress zone's record, the ingress identity's federated
  // credential, and monitoring that flows (Azure Monitor workspace, DCE, DCRs and their associations).
  "Microsoft.KeyVault/vaults/secrets/write",
  `${NET}/privateDnsZones/A/write`,
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
  "Microsoft.Monitor/accounts/write",
  "Microsoft.Insights/dataCollectionEndpoints/write",
  "Microsoft.Insights/dataCollectionRules/write",
  "Microsoft.Insights/dataCollectionRuleAssociations/write"
];

export const RequiredPermissions: readonly RequiredPermission[] = [
  { call: "managedClusters.get", actions: [`${AKS}/read`], why: "read a cluster (adoption, upgrades, node-image rollout, API)" },
  {
    call: "managedClusters.beginCreateOrUpdate",
    // ARM checks subnet join and identity assign on the caller when the cluster names its own subnet
    // and user-assigned identities (the baseline's shape), even if they are unchanged.
    actions: [`${AKS}/write`, "Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"],
    why: "control-plane upgrade and the auto-upgrade profile set at adoption"
  },
  { call: "managedClusters.getUpgradeProfile", actions: [`${AKS}/upgradeProfiles/read`], why: "versions a cluster can move to" },
  { call: "managedClusters.listKubernetesVersions", actions: ["Microsoft.ContainerService/locations/kubernetesVersions/read"], why: "the region's supported Kubernetes versions" },
  { call: "agentPools.get", actions: [`${AKS}/agentPools/read`], why: "a pool's version and state between upgrade steps" },
  {
    call: "agentPools.beginCreateOrUpdate",
    actions: [`${AKS}/agentPools/write`, "Microsoft.Network/virtualNetworks/subnets/join/action"],
    why: "pool upgrade to a Kubernetes version"
  },
  { call: "agentPools.upgradeNodeImageVersion", actions: [`${AKS}/agentPools/upgradeNodeImageVersion/action`], why: "node-image rollout" },
  { call: "agentPools.getUpgradeProfile", actions: [`${AKS}/agentPools/upgradeProfiles/read`], why: "a pool's latest node image" },
  { call: "maintenanceConfigurations.get", actions: [`${AKS}/maintenanceConfigurations/read`], why: "the node-OS maintenance window" },
  { call: "diagnosticSettings.list", actions: ["Microsoft.Insights/diagnosticSettings/read"], why: "conformance: the cluster's resource-log categories; governance: its settings against the desired state (sweep, resource events)" },
  { call: "subnets.get", actions: ["Microsoft.Network/virtualNetworks/subnets/read"], why: "conformance: the node subnets' route table and NSG, the API-server subnet's delegation" },
  { call: "virtualNetworks.listUsage", actions: [`${NET}/virtualNetworks/usages/read`], why: "upgrade readiness: free addresses in the node subnets for surge nodes" },
  { call: "routeTables.get", actions: ["Microsoft.Network/routeTables/read"], why: "conformance: the node subnets' default route to the firewall" },
  { call: "roleAssignments.listForScope", actions: ["Microsoft.Authorization/roleAssignments/read"], why: "conformance #5: which Entra group holds AKS RBAC Cluster Admin at the cluster" },
  { call: "dataCollectionRuleAssociations.listByResource", actions: ["Microsoft.Insights/dataCollectionRuleAssociations/read"], why: "conformance #45/#46: the data collection rules associated with the cluster" },
  { call: "dataCollectionRules.get", actions: ["Microsoft.Insights/dataCollectionRules/read"], why: "conformance #45/#46: what an associated rule collects and where it sends it" },
  {
    call: "readAsyncOperation",
    actions: ["Microsoft.ContainerService/locations/operations/read", "Microsoft.ContainerService/locations/operationresults/read"],
    why: "status of a long-running cluster or pool operation (Azure-AsyncOperation / Location URLs)"
  },
  {
    call: "queryResources",
    actions: ["Microsoft.Insights/metrics/read"],
    why: "cluster health gates before and after upgrade steps, through the regional metrics data plane (metrics:getBatch, not ARM)"
  },
  { call: "systemTopics.listByResourceGroup", actions: ["Microsoft.EventGrid/systemTopics/read"], why: "find the cluster's system topic at adoption" },
  { call: "systemTopics.beginCreateOrUpdateAndWait", actions: ["Microsoft.EventGrid/systemTopics/write"], why: "create the cluster's system topic at adoption" },
  {
    call: "managementGroups.listDescendants",
    actions: ["Microsoft.Management/managementGroups/descendants/read"],
    why: "issue 31: the subscriptions under AZURE_MANAGEMENT_GROUP_ID (granted on the group by infra/managed-subscriptions.bicep: Reader)"
  },
  {
    call: "systemTopicEventSubscriptions.getFullUrl",
    actions: ["Microsoft.EventGrid/systemTopics/eventSubscriptions/getFullUrl/action"],
    why: "compare the subscription's webhook with the platform's"
  },
  {
    call: "systemTopicEventSubscriptions.beginCreateOrUpdateAndWait",
    actions: ["Microsoft.EventGrid/systemTopics/eventSubscriptions/write"],
    why: "subscribe the platform's webhook to the cluster's events"
  },
  {
    call: "getArmResource",
    actions: ["Microsoft.Resources/subscriptions/resourceGroups/read", `${NET}/virtualNetworks/read`, `${NET}/azureFirewalls/read`, "Microsoft.ContainerRegistry/registries/read", "Microsoft.KeyVault/vaults/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/read", "Microsoft.Authorization/roleAssignments/read", "Microsoft.Insights/diagnosticSettings/read", "Microsoft.Consumption/budgets/read", `${AKS}/read`,
      "Microsoft.Authorization/policyAssignments/read", "Microsoft.Authorization/policyDefinitions/read", `${NET}/ipGroups/read`, `${NET}/ApplicationGatewayWebApplicationFirewallPolicies/read`,
      "Microsoft.KubernetesConfiguration/extensions/read", "Microsoft.KubernetesConfiguration/fluxConfigurations/read",
      "Microsoft.KeyVault/vaults/secrets/read", `${NET}/privateDnsZones/A/read`, "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
      "Microsoft.Monitor/accounts/read", "Microsoft.Insights/dataCollectionEndpoints/read", "Microsoft.Insights/dataCollectionRules/read", "Microsoft.Insights/dataCollectionRuleAssociations/read",
      "Microsoft.Compute/locations/usages/read"],
    why: "provisioning's plan: each baseline resource read (404 = create), and the values others take from it; conformance: single dependencies (VNets, IP groups, WAF policy, identities); upgrade readiness: the region's Compute usages (vCPU quota for surge)"
  },
  {
    call: "putArmResource",
    actions: [...ProvisioningWriteActions, `${AKS}/write`, `${AKS}/maintenanceConfigurations/write`, "Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"],
    why: "provisioning: one idempotent PUT per baseline resource"
  },
  {
    call: "listArmResources",
    actions: [`${NET}/azureFirewalls/read`, `${NET}/firewallPolicies/ruleCollectionGroups/read`, `${NET}/privateEndpoints/read`, `${NET}/applicationGateways/read`, `${NET}/bastionHosts/read`,
      "Microsoft.ContainerRegistry/registries/read", "Microsoft.ContainerRegistry/registries/replications/read", "Microsoft.KeyVault/vaults/read",
      "Microsoft.Authorization/roleAssignments/read", "Microsoft.Authorization/policyAssignments/read", "Microsoft.Consumption/budgets/read", "Microsoft.Insights/diagnosticSettings/read",
      "Microsoft.KubernetesConfiguration/extensions/read", "Microsoft.KubernetesConfiguration/fluxConfigurations/read"],
    why: "conformance: the cluster's dependencies (hub firewall, registry, vault, gateway, role and policy assignments, budgets, Flux, their resource logs)"
  },
  {
    call: "readArmOperation",
    actions: [`${NET}/locations/operations/read`, "Microsoft.ContainerService/locations/operations/read", "Microsoft.ContainerRegistry/locations/operationResults/read", "Microsoft.KeyVault/locations/operationResults/read"],
    why: "status of a provisioning PUT's long-running operation (Azure-AsyncOperation)"
  },
  // --- governance (issue 13)
  { call: "diagnosticSettings.createOrUpdate", actions: ["Microsoft.Insights/diagnosticSettings/write"], why: "converge the settings that send a governed resource's logs to its workspace (or create the platform's)" },
  { call: "resources.listByResourceGroup", actions: ["Microsoft.Resources/subscriptions/resourceGroups/resources/read"], why: "governance: the baseline's other resources (firewall, App Gateway, Key Vault, registry) in a cluster's resource group" },
  { call: "budgets.get", actions: ["Microsoft.Consumption/budgets/read"], why: "the platform's budget on a cluster's resource group (drift, API)" },
  {
    call: "budgets.createOrUpdate",
    // Notifications name the platform's action group: ARM reads it on the caller's behalf (Monitoring Reader's */read).
    actions: ["Microsoft.Consumption/budgets/write", "Microsoft.Insights/actionGroups/read"],
    why: "put the platform's budget back"
  },
  { call: "managedClusters.beginStop", actions: [`${AKS}/stop/action`], why: "a dev cluster stopped when its budget forecast passes 100 % outside working hours" }
];

/** Whether an action pattern of a role definition (`*` matches any characters, case-insensitive) covers an action. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(action);
}

/** Whether a role (its actions and not-actions) grants an action. */
export function roleGrants(role: { actions: readonly string[]; notActions?: readonly string[] }, action: string): boolean {
  return role.actions.some((p) => actionMatches(p, action)) && !(role.notActions ?? []).some((p) => actionMatches(p, action));
}
