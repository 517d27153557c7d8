using './main.bicep'

// Example values. Secrets are never written here: they are read from the environment of the shell
// that runs `az deployment group create`, e.g.
//   export AKSOPS_APPROVAL_SIGNING_KEY="$(openssl rand -base64 48)"   # keep it: redeploys need the same value
//   export AKSOPS_TEAMS_WEBHOOK_URL='https://...'                     # the channel's incoming/Workflows webhook
//   export AKSOPS_EVENTGRID_SYSTEM_KEY=''                             # after the first publish, see infra/README.md
//   export AKSOPS_BUDGET_ALERT_FUNCTION_KEY=''                        # after the first publish, see infra/README.md

param baseName = 'aksops'
param tags = {
  workload: 'aksops'
  environment: 'prod'
}

param hostingPlan = 'FlexConsumption'
param cosmosCapacityMode = 'serverless'
// Task hub on the host's storage account, or 'DurableTaskScheduler'.
param durableStorageProvider = 'AzureStorage'

// The subscription whose clusters the platform manages (this deployment's subscription when omitted).
// param managedSubscriptionId = '00000000-0000-0000-0000-000000000000'

param approvalSigningKey = readEnvironmentVariable('AKSOPS_APPROVAL_SIGNING_KEY')
param teamsWebhookUrl = readEnvironmentVariable('AKSOPS_TEAMS_WEBHOOK_URL')
param teamsEscalationWebhookUrl = readEnvironmentVariable('AKSOPS_TEAMS_ESCALATION_WEBHOOK_URL', '')
param eventGridSystemKey = readEnvironmentVariable('AKSOPS_EVENTGRID_SYSTEM_KEY', '')
param budgetAlertFunctionKey = readEnvironmentVariable('AKSOPS_BUDGET_ALERT_FUNCTION_KEY', '')

// The Entra app registration of the platform (App Service authentication); example id.
param authClientId = '11111111-2222-3333-4444-555555555555'
param authAllowedCallerApplications = []

// Optional node-image settings (functions/nodeImageRollout.ts); empty keeps the app's defaults.
param nodeImageRolloutSchedule = ''
param nodeImageCatchUpSchedule = ''
// Other optional settings, e.g. { NODE_IMAGE_SOAK_HOURS: '24', NODE_IMAGE_CONCURRENCY: '4' }.
param additionalAppSettings = {}
param keyVaultPurgeProtection = true
