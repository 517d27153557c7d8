import type { EventGridManagementClient } from "@azure/arm-eventgrid";
import type { AdoptionInput } from "../adoptionOrchestrator";
import { unlessNotFound } from "../../../shared/domain/failures";
import { clusterRef } from "../../common/activities/armIds";
import { permanentUnlessRetryable } from "../../common/activities/errors";

export interface EnsureEventSubscriptionDeps {
  eventGrid: Pick<EventGridManagementClient, "systemTopics" | "systemTopicEventSubscriptions">;
  /**
   * Where Event Grid delivers: `${PUBLIC_BASE_URL}/runtime/webhooks/eventgrid?functionName=aksEvents`.
   * In Azure the Functions host also requires its `eventgrid_extension` system key as `code=` on that
   * URL; the app reads it from an optional setting (a Key Vault reference) and appends it.
   */
  endpointUrl: string;
}

export const PLATFORM_SUBSCRIPTION_NAME = "aksops";
/** The subscription on the cluster's resource-group topic (governance: writes and deletes of diagnostic settings and budgets). */
export const GOVERNANCE_SUBSCRIPTION_NAME = "aksops-governance";
const RG_TOPIC_TYPE = "Microsoft.Resources.ResourceGroups";
/** Resource-group topics are global (the resource group's events are not regional). */
const RG_TOPIC_LOCATION = "global";
export const GOVERNANCE_EVENT_TYPES = ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess"];
const AKS_TOPIC_TYPE = "Microsoft.ContainerService.ManagedClusters";
/** What the platform routes (issue 4); resource-write events are not needed here. */
const INCLUDED_EVENT_TYPES = [
  "Microsoft.ContainerService.NewKubernetesVersionAvailable",
  "Microsoft.ContainerService.ClusterSupportEnding",
  "Microsoft.ContainerService.ClusterSupportEnded",
  "Microsoft.ContainerService.NodePoolRollingStarted",
  "Microsoft.ContainerService.NodePoolRollingSucceeded",
  "Microsoft.ContainerService.NodePoolRollingFailed"
];

/**
 * Makes sure the cluster's Event Grid system topic exists (Azure allows one per source resource,
 * so an existing one is reused whatever its name) and has the platform's webhook subscription.
 * Idempotent: reads the subscription's full URL first and writes only when it differs. Creating
 * a subscription runs Event Grid's validation handshake against the platform, which answers it.
 */
export function createEnsureEventSubscriptionActivity(deps: EnsureEventSubscriptionDeps): (input: AdoptionInput) => Promise<{ outcome: "alreadyDone"; topic: string; subscription: string; changed: boolean }> {
  return async (input) => {
    const ref = clusterRef(input.resourceId);
    try {
      let topicName: string | undefined;
      for await (const topic of deps.eventGrid.systemTopics.listByResourceGroup(ref.resourceGroup)) {
        if ((topic.source ?? "").toLowerCase() === input.resourceId.toLowerCase()) topicName = topic.name;
      }
      if (!topicName) {
        topicName = `${ref.name}-events`;
        await deps.eventGrid.systemTopics.beginCreateOrUpdateAndWait(ref.resourceGroup, topicName, {
          location: input.location, source: input.resourceId, topicType: AKS_TOPIC_TYPE
        });
      }
      const current = (await unlessNotFound(deps.eventGrid.systemTopicEventSubscriptions
        .getFullUrl(ref.resourceGroup, topicName, PLATFORM_SUBSCRIPTION_NAME)))?.endpointUrl;
      let changed = false;
      if (current !== deps.endpointUrl) {
        await deps.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(ref.resourceGroup, topicName, PLATFORM_SUBSCRIPTION_NAME, {
          destination: { endpointType: "WebHook", endpointUrl: deps.endpointUrl },
          eventDeliverySchema: "EventGridSchema",
          filter: { includedEventTypes: INCLUDED_EVENT_TYPES }
        });
        changed = true;
      }
      // Governance: the resource group's writes and deletes (diagnostic settings on the cluster, the budget on the group).
      const rgChanged = await ensureResourceGroupSubscription(deps, ref.subscriptionId, ref.resourceGroup);
      // Done when it answers (no check): the step engine reads `alreadyDone`.
      return { outcome: "alreadyDone", topic: topicName, subscription: PLATFORM_SUBSCRIPTION_NAME, changed: changed || rgChanged };
    } catch (err) {
      permanentUnlessRetryable(err, input.clusterId, "Subscribing the platform to the cluster's Event Grid system topic");
    }
  };
}

/** The resource group's system topic (reused whatever its name) with the platform's governance subscription. */
async function ensureResourceGroupSubscription(deps: EnsureEventSubscriptionDeps, subscriptionId: string, resourceGroup: string): Promise<boolean> {
  const source = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  let topicName: string | undefined;
  for await (const topic of deps.eventGrid.systemTopics.listByResourceGroup(resourceGroup)) {
    if ((topic.source ?? "").toLowerCase() === source.toLowerCase()) topicName = topic.name;
  }
  if (!topicName) {
    topicName = `${resourceGroup}-events`;
    await deps.eventGrid.systemTopics.beginCreateOrUpdateAndWait(resourceGroup, topicName, { location: RG_TOPIC_LOCATION, source, topicType: RG_TOPIC_TYPE });
  }
  const current = (await unlessNotFound(deps.eventGrid.systemTopicEventSubscriptions
    .getFullUrl(resourceGroup, topicName, GOVERNANCE_SUBSCRIPTION_NAME)))?.endpointUrl;
  if (current === deps.endpointUrl) return false;
  await deps.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(resourceGroup, topicName, GOVERNANCE_SUBSCRIPTION_NAME, {
    destination: { endpointType: "WebHook", endpointUrl: deps.endpointUrl },
    eventDeliverySchema: "EventGridSchema",
    filter: { includedEventTypes: GOVERNANCE_EVENT_TYPES }
  });
  return true;
}
