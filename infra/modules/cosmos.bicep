// Cosmos DB for NoSQL: database `aksops` and the four containers of DESIGN.md ("Cosmos containers").
// Local (key) auth is off; the app uses its managed identity through the data-plane RBAC role
// "Cosmos DB Built-in Data Contributor". That role cannot create databases or containers, so they are
// created here; the app's start-up `createIfNotExists` then only finds them.

@description('Name of the Cosmos DB account (globally unique, lowercase).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Azure region of the account.')
param location string

@description('Database id: the value of COSMOS_DATABASE.')
param databaseName string = 'aksops'

@description('`serverless` (pay per request, one region) or `autoscale` (shared database throughput that scales between 10% and 100% of autoscaleMaxThroughput).')
@allowed([
  'serverless'
  'autoscale'
])
param capacityMode string = 'serverless'

@description('Autoscale only: the maximum RU/s of the database throughput shared by the four containers.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Seconds an `events` document lives (deduplication and audit); 30 days by default, as shared/store/containers.ts.')
param eventsTimeToLiveSeconds int = 2592000

@description('Principal id of the identity granted Cosmos DB Built-in Data Contributor on the account.')
param dataContributorPrincipalId string

@description('Tags applied to the account.')
param tags object = {}

// Partition keys are contracts (tests and tools rely on them); changing one means a new container.
var containers = [
  { id: 'clusters', partitionKey: '/id', defaultTtl: null }
  { id: 'operations', partitionKey: '/clusterId', defaultTtl: null }
  { id: 'events', partitionKey: '/id', defaultTtl: eventsTimeToLiveSeconds }
  { id: 'findings', partitionKey: '/clusterId', defaultTtl: null }
]

// A built-in data-plane role of every account (not an Azure RBAC role id).
var builtInDataContributorId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: capacityMode == 'serverless' ? [ { name: 'EnableServerless' } ] : []
    disableLocalAuth: true
    // Management writes (databases, containers, throughput) only through ARM, never with a data-plane key.
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: capacityMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.id
  properties: {
    resource: union(
      {
        id: c.id
        partitionKey: {
          paths: [ c.partitionKey ]
          kind: 'Hash'
        }
      },
      c.defaultTtl == null ? {} : { defaultTtl: c.defaultTtl }
    )
  }
}]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, builtInDataContributorId, dataContributorPrincipalId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${builtInDataContributorId}'
    principalId: dataContributorPrincipalId
    scope: account.id
  }
}

@description('Document endpoint of the account: the value of COSMOS_ENDPOINT.')
output endpoint string = account.properties.documentEndpoint

@description('Database id: the value of COSMOS_DATABASE.')
output databaseName string = database.name
