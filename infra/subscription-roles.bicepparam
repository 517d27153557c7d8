using './subscription-roles.bicep'

// The identity's principal id, from the resource-group deployment:
//   az deployment group show -g <rg> -n main --query properties.outputs.identityPrincipalId.value -o tsv
param principalId = readEnvironmentVariable('AKSOPS_IDENTITY_PRINCIPAL_ID')

param assignClusterOperatorRole = true
