// The action group budgets notify (governance): its webhook receiver posts the alert, in the common
// alert schema, to the platform's `POST /api/alerts/budget` with a function key (`code=`). Like the
// Event Grid system key, a function key exists only once the app is published: without it the
// group is created with no receiver, so budgets can already name it.
//
// Why not a secure webhook (`useAadAuth: true`): the path is excluded from App Service
// authentication (appAuth.bicep) and protected by the function key instead, because anyone who can
// read the action group sees the key in `serviceUri`, so the key is not what makes an alert
// trusted: the function reads the budget from ARM and acts only when ARM's current or forecast
// spend really crossed that notification's threshold (docs/governance.md "The alert path in Azure").

@description('Name of the action group.')
param name string

@description('Short name shown in notifications (at most 12 characters).')
@maxLength(12)
param shortName string

@description('Base URL of the platform (https://<default host name>).')
param publicBaseUrl string

@description('Function key for the budget-alert endpoint (`az functionapp keys list` functionKeys.default); empty: no webhook receiver yet.')
@secure()
param functionKey string = ''

@description('Whether functionKey is set (a plain flag, so the receiver list never depends on the secure value).')
param hasFunctionKey bool = false

@description('Tags applied to the action group.')
param tags object = {}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    webhookReceivers: hasFunctionKey ? [
      {
        name: 'aksops-budget-alerts'
        serviceUri: '${publicBaseUrl}/api/alerts/budget?code=${uriComponent(functionKey)}'
        useCommonAlertSchema: true
        // Plain webhook: the function key gets it past the host, ARM's budget decides what it is worth.
        useAadAuth: false
      }
    ] : []
  }
}

@description('Resource id of the action group: the contact group of the budgets the platform manages.')
output id string = actionGroup.id
