// The aksops platform itself: a Function App (Node 22) with its identity, storage, Cosmos DB, Key Vault,
// monitoring, the budgets' action group, optionally the Durable Task Scheduler and the managed
// subscription's resource-event subscription, in one resource group. The roles the identity needs on the managed clusters are
// granted by subscription-roles.bicep (another scope, another deployment). See infra/README.md.
targetScope = 'resourceGroup'

@description('Short name of this platform instance, used in every resource name (lowercase letters, digits, hyphens).')
@minLength(2)
@maxLength(12)
param baseName string = 'aksops'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {}

@description('Hosting plan of the Function App: `FlexConsumption` (default) or `ElasticPremium`.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Cosmos DB capacity: `serverless` or `autoscale`.')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosCapacityMode string = 'serverless'

@description('Cosmos DB autoscale only: maximum RU/s of the database throughput shared by its containers.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Subscription whose clusters the platform manages (AZURE_SUBSCRIPTION_ID); this deployment\'s subscription by default. With `managedSubscriptionIds` or `managedManagementGroupId`: the home subscription (provisioning\'s default).')
param managedSubscriptionId string = subscription().subscriptionId

@description('Issue 31: every subscription the platform manages (AZURE_SUBSCRIPTION_IDS), `managedSubscriptionId` among them; empty: that one alone. Grant the roles with managed-subscriptions.bicep.')
param managedSubscriptionIds array = []

@description('Issue 31: a management group whose subscriptions the platform manages (AZURE_MANAGEMENT_GROUP_ID), instead of a list.')
param managedManagementGroupId string = ''

@description('HMAC key for approval tokens (APPROVAL_SIGNING_KEY), at least 32 characters. Generate it with `openssl rand -base64 48`; it is stored in Key Vault only.')
@secure()
@minLength(32)
param approvalSigningKey string

@description('Teams incoming or Workflows webhook URL for approval cards and alerts (TEAMS_WEBHOOK_URL); stored in Key Vault.')
@secure()
param teamsWebhookUrl string

@description('Optional Teams webhook URL of the escalation channel (TEAMS_ESCALATION_WEBHOOK_URL); stored in Key Vault.')
@secure()
param teamsEscalationWebhookUrl string = ''

@description('Optional `eventgrid_extension` system key of the Function App (EVENTGRID_SYSTEM_KEY), appended as `code=` to the webhook URL adoption subscribes. It exists only after the first publish: deploy without it, publish, then deploy again with it (infra/README.md).')
@secure()
param eventGridSystemKey string = ''

@description('Application (client) id of the Entra app registration for App Service authentication. It needs a federated identity credential trusting the platform\'s managed identity (infra/README.md).')
param authClientId string

@description('Client ids of applications (pipelines, tools) allowed to call the API with app-only tokens; empty: any application of the tenant holding a token for the platform\'s audience.')
param authAllowedCallerApplications array = []

@description('Optional NCRONTAB (6 fields) of the weekly node-image rollout (NODE_IMAGE_ROLLOUT_SCHEDULE); empty: the app\'s default, Monday 00:00 UTC.')
param nodeImageRolloutSchedule string = ''

@description('Optional NCRONTAB of the daily node-image catch-up check (NODE_IMAGE_CATCHUP_SCHEDULE); empty: the app\'s default, 00:30 UTC.')
param nodeImageCatchUpSchedule string = ''

@description('Further optional app settings read by the functions (e.g. NODE_IMAGE_SOAK_HOURS, NODE_IMAGE_FAILURE_BUDGET, NODE_IMAGE_CONCURRENCY, MONITOR_LOGS_ENDPOINT); string values only, never secrets.')
param additionalAppSettings object = {}

@description('Storage provider of the Durable Functions task hub: `AzureStorage` (the host\'s storage account) or `DurableTaskScheduler` (a Durable Task Scheduler and task hub, reached with the identity).')
@allowed([
  'AzureStorage'
  'DurableTaskScheduler'
])
param durableStorageProvider string = 'AzureStorage'

@description('Durable Task Scheduler only: `Consumption` or `Dedicated`.')
@allowed([
  'Consumption'
  'Dedicated'
])
param durableTaskSchedulerSku string = 'Consumption'

@description('Optional function key (`az functionapp keys list` functionKeys.default) for the budgets\' action group webhook to `POST /api/alerts/budget`; empty: the action group has no receiver yet. Known only after the first publish, like eventGridSystemKey.')
@secure()
param budgetAlertFunctionKey string = ''

@description('Subscribe the platform to the managed subscription\'s resource write and delete events (a Microsoft.Resources.Subscriptions system topic). Needs eventGridSystemKey, and the managed subscription must be this deployment\'s.')
param subscribeResourceEvents bool = true

@description('Resource events delivered only for subjects (resource ids) containing one of these; empty: every resource of the subscription.')
param resourceEventSubjectFilters array = [
  '/providers/Microsoft.ContainerService/managedClusters/'
  '/providers/Microsoft.Consumption/budgets/'
  '/providers/Microsoft.Insights/diagnosticSettings/'
]

@description('Key Vault purge protection (recommended; irreversible). Off only for short-lived test instances whose vault name must be reusable at once.')
param keyVaultPurgeProtection bool = true

var token = uniqueString(resourceGroup().id, baseName)
var compactBase = replace(baseName, '-', '')
var names = {
  identity: 'id-${baseName}'
  workspace: 'log-${baseName}-${token}'
  appInsights: 'appi-${baseName}-${token}'
  storage: take('st${compactBase}${token}', 24)
  cosmos: 'cosmos-${baseName}-${token}'
  keyVault: 'kv-${take(compactBase, 6)}-${token}'
  plan: 'plan-${baseName}-${token}'
  functionApp: 'func-${baseName}-${token}'
  deploymentContainer: 'app-package'
  scheduler: 'dts-${baseName}-${token}'
  actionGroup: 'ag-${baseName}-budgets'
  subscriptionTopic: 'evgt-${baseName}-subscription'
}

// host.json `extensions.durableTask.hubName`: the task hub on either provider.
var taskHubName = 'aksops'
// The app's Event Grid function (functions/aksEvents.ts), the one Event Grid webhook the platform serves.
var eventGridFunctionName = 'aksEvents'
var useDurableTaskScheduler = durableStorageProvider == 'DurableTaskScheduler'

// ARM_ENDPOINT has no trailing slash (shared/config); environment() gives one.
var resourceManager = environment().resourceManager
var armEndpoint = endsWith(resourceManager, '/') ? substring(resourceManager, 0, max(length(resourceManager) - 1, 0)) : resourceManager

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    publisherPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    deploymentContainerName: names.deploymentContainer
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: names.cosmos
    location: location
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    dataContributorPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    readerPrincipalId: identity.outputs.principalId
    approvalSigningKey: approvalSigningKey
    teamsWebhookUrl: teamsWebhookUrl
    teamsEscalationWebhookUrl: teamsEscalationWebhookUrl
    hasEscalationWebhook: !empty(teamsEscalationWebhookUrl)
    eventGridSystemKey: eventGridSystemKey
    hasEventGridSystemKey: !empty(eventGridSystemKey)
    enablePurgeProtection: keyVaultPurgeProtection
    tags: tags
  }
}

module durableTaskScheduler 'modules/durableTaskScheduler.bicep' = if (useDurableTaskScheduler) {
  name: 'durableTaskScheduler'
  params: {
    name: names.scheduler
    location: location
    skuName: durableTaskSchedulerSku
    taskHubName: taskHubName
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    hostingPlan: hostingPlan
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    durableTaskSchedulerEndpoint: useDurableTaskScheduler ? durableTaskScheduler!.outputs.endpoint : ''
    // shared/config/settings.ts and functions/ (PUBLIC_BASE_URL is added by the module from the app's host name).
    platformSettings: union(additionalAppSettings, empty(managedSubscriptionIds) ? {} : {
      AZURE_SUBSCRIPTION_IDS: join(managedSubscriptionIds, ',')
    }, empty(managedManagementGroupId) ? {} : {
      AZURE_MANAGEMENT_GROUP_ID: managedManagementGroupId
    }, {
      AKSOPS_MODE: 'azure'
      AZURE_SUBSCRIPTION_ID: managedSubscriptionId
      ARM_ENDPOINT: armEndpoint
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmos.outputs.databaseName
      TEAMS_WEBHOOK_URL: keyVault.outputs.teamsWebhookUrlReference
      TEAMS_ESCALATION_WEBHOOK_URL: keyVault.outputs.teamsEscalationWebhookUrlReference
      APPROVAL_SIGNING_KEY: keyVault.outputs.approvalSigningKeyReference
      EVENTGRID_SYSTEM_KEY: keyVault.outputs.eventGridSystemKeyReference
      NODE_IMAGE_ROLLOUT_SCHEDULE: nodeImageRolloutSchedule
      NODE_IMAGE_CATCHUP_SCHEDULE: nodeImageCatchUpSchedule
      // The action group the platform's budgets notify (module budgetActionGroup below; its id is known before it exists).
      BUDGET_ACTION_GROUP_ID: resourceId('Microsoft.Insights/actionGroups', names.actionGroup)
      // Easy Auth proves the app registration with this identity's token instead of a client secret.
      OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: identity.outputs.clientId
    })
    tags: tags
  }
}

module appAuth 'modules/appAuth.bicep' = {
  name: 'appAuth'
  params: {
    appName: functionApp.outputs.name
    clientId: authClientId
    allowedCallerApplications: authAllowedCallerApplications
  }
}

module budgetActionGroup 'modules/actionGroup.bicep' = {
  name: 'budgetActionGroup'
  params: {
    name: names.actionGroup
    shortName: 'aksops'
    publicBaseUrl: 'https://${functionApp.outputs.defaultHostName}'
    functionKey: budgetAlertFunctionKey
    hasFunctionKey: !empty(budgetAlertFunctionKey)
    tags: tags
  }
}

module subscriptionEvents 'modules/subscriptionEvents.bicep' = if (subscribeResourceEvents && !empty(eventGridSystemKey) && managedSubscriptionId == subscription().subscriptionId) {
  name: 'subscriptionEvents'
  params: {
    topicName: names.subscriptionTopic
    sourceSubscriptionId: managedSubscriptionId
    // As the app builds it for the clusters' subscriptions (functions/runtime/platform.ts).
    endpointUrl: 'https://${functionApp.outputs.defaultHostName}/runtime/webhooks/eventgrid?functionName=${eventGridFunctionName}&code=${uriComponent(eventGridSystemKey)}'
    subjectContains: resourceEventSubjectFilters
    tags: tags
  }
}

@description('Resource id of the action group budgets notify.')
output budgetActionGroupId string = budgetActionGroup.outputs.id

@description('Name of the Function App: the target of `func azure functionapp publish` and zip deploy.')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the platform (PUBLIC_BASE_URL).')
output publicBaseUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Principal id of the platform\'s identity: the `principalId` of subscription-roles.bicep and the subject of the auth app registration\'s federated credential.')
output identityPrincipalId string = identity.outputs.principalId

@description('Client id of the platform\'s identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.outputs.clientId

@description('Cosmos DB endpoint (COSMOS_ENDPOINT).')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('Name of the Key Vault holding the platform\'s secrets.')
output keyVaultName string = keyVault.outputs.name

@description('Name of the storage account of the host and the task hub.')
output storageAccountName string = storage.outputs.name
