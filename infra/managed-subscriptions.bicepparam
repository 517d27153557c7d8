using './managed-subscriptions.bicep'

// The identity's principal id, from the resource-group deployment:
//   az deployment group show -g <rg> -n main --query properties.outputs.identityPrincipalId.value -o tsv
param principalId = readEnvironmentVariable('AKSOPS_IDENTITY_PRINCIPAL_ID')

// The same list as main.bicep's `managedSubscriptionIds` (AZURE_SUBSCRIPTION_IDS).
param subscriptionIds = [
  '00000000-0000-0000-0000-000000000000'
]

param readManagementGroup = false
