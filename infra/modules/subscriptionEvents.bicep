// The managed subscription's Event Grid system topic (Microsoft.Resources.Subscriptions) and the
// platform's subscription to its resource write and delete events, delivered like the clusters'
// events: to the Functions host's Event Grid webhook with the `eventgrid_extension` system key.
// Creating the subscription runs Event Grid's validation handshake against the app, so it needs the
// app published and that key known (the second deployment, infra/README.md step 6).

@description('Name of the system topic.')
param topicName string

@description('Subscription whose resource events are delivered (the managed subscription).')
param sourceSubscriptionId string

@description('The webhook: `<PUBLIC_BASE_URL>/runtime/webhooks/eventgrid?functionName=<Event Grid function>&code=<eventgrid_extension system key>`; secure, as it carries the key.')
@secure()
param endpointUrl string

@description('Event types delivered.')
param includedEventTypes array = [
  'Microsoft.Resources.ResourceWriteSuccess'
  'Microsoft.Resources.ResourceDeleteSuccess'
]

@description('Only events whose subject (the resource id) contains one of these are delivered; empty: every resource.')
param subjectContains array = []

@description('Tags applied to the system topic.')
param tags object = {}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: topicName
  // A subscription's system topic is global.
  location: 'global'
  tags: tags
  properties: {
    source: '/subscriptions/${sourceSubscriptionId}'
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'aksops'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: endpointUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: union(
      { includedEventTypes: includedEventTypes },
      empty(subjectContains) ? {} : {
        advancedFilters: [
          {
            operatorType: 'StringContains'
            key: 'subject'
            values: subjectContains
          }
        ]
      }
    )
  }
}

@description('Name of the system topic.')
output topicName string = topic.name
