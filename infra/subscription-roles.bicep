// What the platform's identity may do in the subscription whose clusters it manages. Deployed on its
// own (`az deployment sub create`) because it is at subscription scope, possibly in another
// subscription than the platform, and by someone allowed to assign roles there.
targetScope = 'subscription'

@description('Principal (object) id of the platform\'s user-assigned identity: output `identityPrincipalId` of main.bicep.')
param principalId string

@description('Also create and assign the custom role `aksops cluster operator` with the cluster and Event Grid actions the built-in roles below lack (see infra/README.md, "Roles"). Turn off only if an equivalent role is granted another way.')
param assignClusterOperatorRole bool = true

// The built-in roles of the brief. Names are for readers; the ids are what count.
var builtInRoles = {
  // managedClusters/* and locations/*: clusters, pools, upgrade profiles, maintenance configurations, async operations.
  'Azure Kubernetes Service Contributor Role': 'ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8'
  // */read: platform metrics of the clusters (health gates), system topics, diagnostic settings.
  'Monitoring Reader': '43d0d8ad-25c7-4714-9337-8ba259a9fe05'
  // Budgets and current spend.
  'Cost Management Reader': '72fafb9e-0641-4937-9268-a91bfd8191a3'
  // Event subscriptions (not topics: the role grants no topic actions).
  'EventGrid EventSubscription Contributor': '428e0ff0-5e57-4d9c-a221-2c70d0e0a443'
}

// Actions the code calls that the built-in roles above do not grant: shared/azure/required-permissions.ts
// lists every ARM call with its actions, and test/infra checks this template against it (all granted,
// nothing here that a built-in role already grants or no call needs). The AKS Contributor Role covers
// managedClusters/* and locations/* (cluster, pools, upgrade profiles, maintenance configurations,
// async operations); Monitoring Reader's */read covers every read. Left: adoption creates the
// cluster's Event Grid system topic and its subscription and reads the subscription's full URL, and
// a cluster or pool PUT on a cluster with its own subnet and user-assigned identities (the baseline's
// shape) is also checked for subnet join and identity assign on the caller. Governance puts the
// platform's diagnostic setting back on a cluster and its budget on the cluster's resource group.
var clusterOperatorActions = [
  'Microsoft.EventGrid/systemTopics/write'
  'Microsoft.EventGrid/systemTopics/eventSubscriptions/write'
  'Microsoft.EventGrid/systemTopics/eventSubscriptions/getFullUrl/action'
  'Microsoft.Network/virtualNetworks/subnets/join/action'
  'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'
  // Provisioning (POST /api/clusters): one PUT per baseline resource and the linked access ARM checks
  // for them (ProvisioningWriteActions in shared/azure/required-permissions.ts). roleAssignments/write
  // lets the platform grant the cluster's identities their roles (Network Contributor, AcrPull, ...).
  'Microsoft.Resources/subscriptions/resourceGroups/write'
  'Microsoft.Network/virtualNetworks/write'
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write'
  'Microsoft.Network/virtualNetworks/peer/action'
  'Microsoft.Network/networkSecurityGroups/write'
  'Microsoft.Network/networkSecurityGroups/join/action'
  'Microsoft.Network/routeTables/write'
  'Microsoft.Network/routeTables/join/action'
  'Microsoft.Network/publicIPAddresses/write'
  'Microsoft.Network/publicIPAddresses/join/action'
  'Microsoft.Network/azureFirewalls/write'
  'Microsoft.Network/firewallPolicies/write'
  'Microsoft.Network/firewallPolicies/join/action'
  'Microsoft.Network/firewallPolicies/ruleCollectionGroups/write'
  'Microsoft.Network/ipGroups/write'
  'Microsoft.Network/ipGroups/join/action'
  'Microsoft.Network/privateEndpoints/write'
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write'
  'Microsoft.Network/privateDnsZones/write'
  'Microsoft.Network/privateDnsZones/join/action'
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write'
  'Microsoft.Network/applicationGateways/write'
  'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/write'
  'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/join/action'
  'Microsoft.ContainerRegistry/registries/write'
  'Microsoft.ContainerRegistry/registries/replications/write'
  'Microsoft.ContainerRegistry/registries/privateEndpointConnectionsApproval/action'
  'Microsoft.KeyVault/vaults/write'
  'Microsoft.KeyVault/vaults/privateEndpointConnectionsApproval/action'
  'Microsoft.OperationalInsights/workspaces/write'
  'Microsoft.ManagedIdentity/userAssignedIdentities/write'
  'Microsoft.Authorization/roleAssignments/write'
  'Microsoft.Insights/diagnosticSettings/write'
  'Microsoft.Consumption/budgets/write'
  // Guardrails (issue 29): the reference's Azure Policy assignments and its custom definition, Bastion, GitOps.
  'Microsoft.Authorization/policyAssignments/write'
  'Microsoft.Authorization/policyDefinitions/write'
  'Microsoft.Network/bastionHosts/write'
  'Microsoft.KubernetesConfiguration/extensions/write'
  'Microsoft.KubernetesConfiguration/fluxConfigurations/write'
  // Issue 28: dev certificates as Key Vault secrets, the ingress zone's A record, the ingress
  // identity's federated credential, monitoring that flows (Azure Monitor workspace, DCE, DCRs, associations).
  'Microsoft.KeyVault/vaults/secrets/write'
  'Microsoft.Network/privateDnsZones/A/write'
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write'
  'Microsoft.Monitor/accounts/write'
  'Microsoft.Insights/dataCollectionEndpoints/write'
  'Microsoft.Insights/dataCollectionRules/write'
  'Microsoft.Insights/dataCollectionRuleAssociations/write'
]

resource builtInAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(builtInRoles): {
  name: guid(subscription().id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value), principalId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aksops platform: ${role.key}'
  }
}]

resource clusterOperatorRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (assignClusterOperatorRole) {
  name: guid(subscription().id, 'aksops-cluster-operator')
  properties: {
    // Custom role names are unique per tenant, hence the subscription id.
    roleName: 'aksops cluster operator (${subscription().subscriptionId})'
    description: 'What the aksops platform needs on the AKS clusters it manages beyond the built-in roles it holds.'
    type: 'CustomRole'
    permissions: [
      {
        actions: clusterOperatorActions
        notActions: []
      }
    ]
    assignableScopes: [
      subscription().id
    ]
  }
}

resource clusterOperatorAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignClusterOperatorRole) {
  name: guid(subscription().id, clusterOperatorRole.id, principalId)
  properties: {
    roleDefinitionId: clusterOperatorRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aksops platform: cluster operator actions'
  }
}
