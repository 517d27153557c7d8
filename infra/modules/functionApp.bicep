// The Linux Function App (Node 22 LTS) and its plan: Flex Consumption by default, Elastic Premium as an
// option. It runs as the user-assigned identity, reaches its storage with that identity (no account
// key anywhere) and resolves Key Vault references with it.

@description('Name of the Function App (also the first label of its default host name).')
param name string

@description('Name of the App Service plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('`FlexConsumption` (FC1, scale to zero, per-execution billing) or `ElasticPremium` (EP1-EP3, always-warm instances).')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium only: plan SKU.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param premiumSku string = 'EP1'

@description('Elastic Premium only: the most instances the plan may scale out to.')
@minValue(1)
@maxValue(100)
param premiumMaximumElasticWorkerCount int = 20

@description('Flex Consumption only: the most instances the app may scale out to.')
@minValue(1)
@maxValue(1000)
param flexMaximumInstanceCount int = 40

@description('Flex Consumption only: memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int = 2048

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (AZURE_CLIENT_ID, AzureWebJobsStorage__clientId).')
param identityClientId string

@description('Name of the storage account of the Functions host and the Durable Functions task hub.')
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Elastic Premium only: blob name of the package the app runs from (WEBSITE_RUN_FROM_PACKAGE) inside the deployment container.')
param premiumPackageBlobName string = 'aksops.zip'

@description('Connection string of the Application Insights component.')
param appInsightsConnectionString string

@description('Endpoint of the Durable Task Scheduler holding the task hub; empty: the task hub is on Azure Storage (AzureWebJobsStorage).')
param durableTaskSchedulerEndpoint string = ''

@description('The platform\'s own settings (shared/config/settings.ts and the functions\' optional settings), already resolved: plain values and Key Vault references. Empty values are left out.')
param platformSettings object

@description('Tags applied to the plan and the app.')
param tags object = {}

var isFlex = hostingPlan == 'FlexConsumption'

// The Node major version of the Functions worker: the one `engines.node` of package.json names and
// the `node` dev dependency runs locally (Node 20 reached end of life in April 2026).
var nodeMajorVersion = '22'

// Identity-based host storage (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
// The Durable Functions Azure Storage provider uses the same `AzureWebJobsStorage` connection.
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // @azure/identity's ManagedIdentityCredential/DefaultAzureCredential pick the user-assigned identity from it.
  AZURE_CLIENT_ID: identityClientId
  // The host answers 413 to a request body over 1 MB (default 100 MB): Event Grid's own delivery limit,
  // so the webhook never buffers more; the API routes read at most 64 KB of it.
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1048576'
}

// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE:
// the runtime comes from functionAppConfig.runtime and the package from functionAppConfig.deployment.
// On Elastic Premium the app runs from a package blob read with the identity, so no Azure Files
// content share (which only takes an account-key connection string) is configured.
var premiumSettings = isFlex ? {} : {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'node'
  WEBSITE_RUN_FROM_PACKAGE: '${deploymentContainerUrl}/${premiumPackageBlobName}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

// The Durable Task Scheduler option: host.json names the Azure Storage provider; these app settings
// override it (AzureFunctionsJobHost__<path>), so one package runs on either provider.
var durableSettings = empty(durableTaskSchedulerEndpoint) ? {} : {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
}

var platformSettingsPresent = toObject(filter(items(platformSettings), s => !empty(s.value)), s => s.key, s => s.value)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex ? {
    name: 'FC1'
    tier: 'FlexConsumption'
  } : {
    name: premiumSku
    tier: 'ElasticPremium'
  }
  properties: union(
    { reserved: true }, // Linux
    isFlex ? {} : { maximumElasticWorkerCount: premiumMaximumElasticWorkerCount }
  )
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: union(
    {
      serverFarmId: plan.id
      httpsOnly: true
      // Key Vault references resolve with this identity instead of a system-assigned one.
      keyVaultReferenceIdentity: identityId
      siteConfig: union(
        {
          minTlsVersion: '1.2'
          ftpsState: 'Disabled'
          http20Enabled: true
        },
        isFlex ? {} : { linuxFxVersion: 'Node|${nodeMajorVersion}' }
      )
    },
    isFlex ? {
      functionAppConfig: {
        deployment: {
          storage: {
            type: 'blobContainer'
            value: deploymentContainerUrl
            authentication: {
              type: 'UserAssignedIdentity'
              userAssignedIdentityResourceId: identityId
            }
          }
        }
        scaleAndConcurrency: {
          maximumInstanceCount: flexMaximumInstanceCount
          instanceMemoryMB: flexInstanceMemoryMB
        }
        runtime: {
          name: 'node'
          version: nodeMajorVersion
        }
      }
    } : {}
  )
}

// One resource owns every app setting: a setting added by hand is removed by the next deployment,
// so anything the app needs belongs in a parameter. PUBLIC_BASE_URL needs the app's real host name
// (Flex Consumption apps may get a name with a random suffix), hence settings after the site.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(platformSettingsPresent, hostSettings, premiumSettings, durableSettings, {
    PUBLIC_BASE_URL: 'https://${site.properties.defaultHostName}'
  })
}

@description('Name of the Function App.')
output name string = site.name

@description('Default host name of the Function App.')
output defaultHostName string = site.properties.defaultHostName
