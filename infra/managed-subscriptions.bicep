// Issue 31: the platform's identity gets what it needs in every subscription it manages, in one
// deployment at management-group scope (`az deployment mg create -m <group>`), by someone allowed to
// assign roles there: subscription-roles.bicep deployed into each listed subscription (each of them
// under this management group), and, when the app reads the managed set from the group
// (AZURE_MANAGEMENT_GROUP_ID), Reader on the group for `managementGroups.getDescendants`.
targetScope = 'managementGroup'

@description('Principal (object) id of the platform\'s user-assigned identity: output `identityPrincipalId` of main.bicep.')
param principalId string

@description('Every subscription the platform manages: AZURE_SUBSCRIPTION_IDS (main.bicep `managedSubscriptionIds`), or, with `readManagementGroup`, the subscriptions under this group today (a subscription moved in later needs this deployment again).')
@minLength(1)
param subscriptionIds array

@description('The app reads its managed subscriptions from this management group (AZURE_MANAGEMENT_GROUP_ID = this group): assign Reader on this group.')
param readManagementGroup bool = false

@description('Create and assign the custom role `aksops cluster operator` in each subscription (subscription-roles.bicep).')
param assignClusterOperatorRole bool = true

module subscriptionRoles 'subscription-roles.bicep' = [for (subscriptionId, i) in subscriptionIds: {
  name: 'aksops-roles-${i}'
  scope: subscription(subscriptionId)
  params: {
    principalId: principalId
    assignClusterOperatorRole: assignClusterOperatorRole
  }
}]

// Reader (`*/read`, https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader)
// grants Microsoft.Management/managementGroups/descendants/read on the group: what getDescendants needs.
// It adds no reach in the managed subscriptions (Monitoring Reader there already holds `*/read`).
var managementGroupReader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource groupReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (readManagementGroup) {
  name: guid(managementGroup().id, managementGroupReader, principalId)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', managementGroupReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aksops platform: reads the management group\'s subscriptions (AZURE_MANAGEMENT_GROUP_ID)'
  }
}
