// The platform's one identity: the Function App runs as it, and every data-plane and ARM role is
// granted to it, so nothing depends on a system-assigned identity that a re-created app would lose.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity (for `identity.userAssignedIdentities` and `keyVaultReferenceIdentity`).')
output id string = identity.id

@description('Client id of the identity: the value of AZURE_CLIENT_ID and AzureWebJobsStorage__clientId.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity: what role assignments name.')
output principalId string = identity.properties.principalId
