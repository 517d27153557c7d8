import type { EventGridManagementClient } from "@azure/arm-eventgrid";
import type { AdoptionInput } from "../adoptionOrchestrator";
import { isRetryable } from "../../../shared/domain/failures";
import { clusterRef } from "../../common/activities/armIds";
import { armFailureOf, PermanentArmError } from "../../common/activities/errors";

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
export function createEnsureEventSubscriptionActivity(deps: EnsureEventSubscriptionDeps): (input: AdoptionInput) => Promise<{ topic: string; subscription: string; changed: boolean }> {
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
      const current = await deps.eventGrid.systemTopicEventSubscriptions
        .getFullUrl(ref.resourceGroup, topicName, PLATFORM_SUBSCRIPTION_NAME)
        .then((r) => r.endpointUrl)
        .catch((err: unknown) => {
          if (armFailureOf(err).status === 404) return undefined;
          throw err;
        });
      if (current === deps.endpointUrl) return { topic: topicName, subscription: PLATFORM_SUBSCRIPTION_NAME, changed: false };
      await deps.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(ref.resourceGroup, topicName, PLATFORM_SUBSCRIPTION_NAME, {
        destination: { endpointType: "WebHook", endpointUrl: deps.endpointUrl },
        eventDeliverySchema: "EventGridSchema",
        filter: { includedEventTypes: INCLUDED_EVENT_TYPES }
      });
      return { topic: topicName, subscription: PLATFORM_SUBSCRIPTION_NAME, changed: true };
    } catch (err) {
      if (isRetryable(armFailureOf(err))) throw err;
      throw new PermanentArmError(input.clusterId, "Subscribing the platform to the cluster's Event Grid system topic", armFailureOf(err));
    }
  };
}
