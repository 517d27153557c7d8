// App Service authentication (Easy Auth v2) with Microsoft Entra ID in front of the whole app, so the
// approval page and decision receive the signed-in operator as `x-ms-client-principal` and the API
// only answers callers with a token for the platform's app registration. Three paths stay open: the
// Event Grid webhook (Event Grid cannot sign in; the host checks its `eventgrid_extension` system key),
// the budget alert webhook (an action group's plain webhook cannot sign in or add headers; the host
// checks the function key in its `code=`, and the function acts only on what ARM's budget shows,
// never on the payload: functions/handlers/budgetAlerts.ts) and the liveness probe.
//
// No client secret: the sign-in flow proves the app registration's identity with a token of the
// user-assigned managed identity, trusted by a federated identity credential on the registration
// (clientSecretSettingName `OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID`, an app setting holding the
// identity's client id; https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad).

@description('Name of the Function App.')
param appName string

@description('Application (client) id of the Entra app registration that represents the platform.')
param clientId string

@description('Entra tenant id of that app registration.')
param tenantId string = tenant().tenantId

@description('Client ids of applications (pipelines, tools) allowed to call the API with their own app-only tokens; empty: any application of the tenant holding a token for the audience.')
param allowedCallerApplications array = []

@description('Paths served without sign-in.')
param excludedPaths array = [
  '/runtime/webhooks/eventgrid'
  '/api/alerts/budget'
  '/api/health'
]

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      // A browser (the approval link opened from Teams) is sent to sign in, then back to the page; API
      // callers send a bearer token for the app registration's audience.
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: excludedPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
          clientId: clientId
          clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
        }
        validation: union(
          {
            allowedAudiences: [
              'api://${clientId}'
              clientId
            ]
          },
          empty(allowedCallerApplications) ? {} : {
            defaultAuthorizationPolicy: {
              // The app's own client id stays allowed: it is the `azp` of the operators' sign-in tokens.
              allowedApplications: union([ clientId ], allowedCallerApplications)
            }
          }
        )
      }
    }
    login: {
      tokenStore: { enabled: true }
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: { convention: 'NoProxy' }
    }
  }
}
