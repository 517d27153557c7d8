// Key Vault in RBAC mode for the app's secrets. The Function App reads them as Key Vault references
// resolved with its user-assigned identity (site property keyVaultReferenceIdentity), which holds
// Key Vault Secrets User here and nothing more.

@description('Name of the Key Vault (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Principal id of the identity granted Key Vault Secrets User on the vault.')
param readerPrincipalId string

@description('HMAC key for approval tokens (APPROVAL_SIGNING_KEY), at least 32 characters.')
@secure()
@minLength(32)
param approvalSigningKey string

@description('Teams incoming or Workflows webhook URL (TEAMS_WEBHOOK_URL); it embeds a credential, so it is a secret.')
@secure()
param teamsWebhookUrl string

@description('Optional Teams webhook URL of the escalation channel (TEAMS_ESCALATION_WEBHOOK_URL); empty: no secret.')
@secure()
param teamsEscalationWebhookUrl string = ''

@description('Whether teamsEscalationWebhookUrl is set (a plain flag, so outputs never depend on the secure value).')
param hasEscalationWebhook bool = false

@description('Optional `eventgrid_extension` system key of the Function App (EVENTGRID_SYSTEM_KEY); empty: no secret. Known only after the first publish; see infra/README.md.')
@secure()
param eventGridSystemKey string = ''

@description('Whether eventGridSystemKey is set (a plain flag, so outputs never depend on the secure value).')
param hasEventGridSystemKey bool = false

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Purge protection: a deleted vault and its secrets stay recoverable for the retention period and cannot be purged (irreversible once on).')
param enablePurgeProtection bool = true

@description('Tags applied to the vault.')
param tags object = {}

var keyVaultSecretsUserRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Only `true` or absent is accepted: ARM refuses `false`.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'approval-signing-key'
  properties: {
    value: approvalSigningKey
    contentType: 'text/plain'
  }
}

resource teamsWebhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'teams-webhook-url'
  properties: {
    value: teamsWebhookUrl
    contentType: 'text/uri-list'
  }
}

resource escalationWebhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasEscalationWebhook) {
  parent: vault
  name: 'teams-escalation-webhook-url'
  properties: {
    value: teamsEscalationWebhookUrl
    contentType: 'text/uri-list'
  }
}

resource eventGridKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasEventGridSystemKey) {
  parent: vault
  name: 'eventgrid-system-key'
  properties: {
    value: eventGridSystemKey
    contentType: 'text/plain'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, keyVaultSecretsUserRoleId, readerPrincipalId)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUserRoleId
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Versionless secret URIs: App Service picks up a new secret version within 24 hours (or on restart),
// so rotating a secret needs no redeployment of the app.
@description('Key Vault reference for APPROVAL_SIGNING_KEY.')
output approvalSigningKeyReference string = '@Microsoft.KeyVault(SecretUri=${signingKeySecret.properties.secretUri})'

@description('Key Vault reference for TEAMS_WEBHOOK_URL.')
output teamsWebhookUrlReference string = '@Microsoft.KeyVault(SecretUri=${teamsWebhookSecret.properties.secretUri})'

@description('Key Vault reference for TEAMS_ESCALATION_WEBHOOK_URL, or empty when there is no escalation webhook.')
output teamsEscalationWebhookUrlReference string = !hasEscalationWebhook ? '' : '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/teams-escalation-webhook-url)'

@description('Key Vault reference for EVENTGRID_SYSTEM_KEY, or empty when the key has not been stored yet.')
output eventGridSystemKeyReference string = !hasEventGridSystemKey ? '' : '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/eventgrid-system-key)'

@description('Name of the vault.')
output name string = vault.name
