// The Durable Task Scheduler option for the Durable Functions task hub (parameter
// `durableStorageProvider = 'DurableTaskScheduler'` of main.bicep): a scheduler, the task hub the app
// uses (host.json `hubName`), and Durable Task Data Contributor on the scheduler for the app's
// identity, which is how the host authenticates (Authentication=ManagedIdentity in the connection string).

@description('Name of the scheduler (3-64 letters, digits, hyphens).')
param name string

@description('Azure region of the scheduler.')
param location string

@description('`Consumption` (pay per action) or `Dedicated` (reserved capacity units).')
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string = 'Consumption'

@description('Dedicated only: capacity units.')
@minValue(1)
param dedicatedCapacity int = 1

@description('Name of the task hub: the `hubName` of host.json.')
param taskHubName string

@description('Principal id of the identity the Functions host runs as.')
param principalId string

@description('Tags applied to the scheduler.')
param tags object = {}

// Durable Task Data Contributor: every data operation on the scheduler's task hubs.
var durableTaskDataContributorRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0ad04412-c4d5-4796-b79c-f76d14c8d402')

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: skuName == 'Dedicated' ? { name: skuName, capacity: dedicatedCapacity } : { name: skuName }
    // An empty allow list denies all traffic; access is by Entra ID (the role below).
    ipAllowlist: [
      '0.0.0.0/0'
    ]
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, durableTaskDataContributorRoleId, principalId)
  scope: scheduler
  properties: {
    roleDefinitionId: durableTaskDataContributorRoleId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Endpoint of the scheduler (the `Endpoint=` of DURABLE_TASK_SCHEDULER_CONNECTION_STRING).')
output endpoint string = scheduler.properties.endpoint

@description('Name of the task hub.')
output taskHubName string = taskHub.name
