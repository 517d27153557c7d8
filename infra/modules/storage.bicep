// Storage for the Functions host (AzureWebJobsStorage: timer leases, host keys) and the Durable
// Functions task hub (queues, tables, blobs). Shared-key access is off: the host and the Durable
// extension reach it with the managed identity (AzureWebJobsStorage__accountName/__credential/__clientId).

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the account.')
param location string

@description('Blob container that holds the deployment package (Flex Consumption deployment storage, or the Premium run-from-package blob).')
param deploymentContainerName string

@description('Principal id of the identity the Function App runs as.')
param principalId string

@description('Tags applied to the account.')
param tags object = {}

// The three roles the Functions docs list for an identity-based AzureWebJobsStorage with Durable Functions.
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roleIds): {
  name: guid(account.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value), principalId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

@description('Name of the storage account (AzureWebJobsStorage__accountName).')
output name string = account.name

@description('Blob endpoint of the account, with a trailing slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('URL of the deployment container.')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
