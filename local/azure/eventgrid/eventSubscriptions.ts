import { ArmError, type ArmResource, type SimKernel, type SimRequest } from "../kernel";
import { validateFilter, type SubscriptionFilter } from "./filter";
import { runValidationHandshake, WebhookValidationError } from "./handshake";
import { normaliseRetryPolicy, type RetryPolicy } from "./retryPolicy";
import { TOPIC_TEMPLATE, topicId } from "./systemTopics";
import type { DeliveryTarget } from "./deliveryEngine";
import type { WebhookClientOptions } from "./webhookClient";

/**
 * `Microsoft.EventGrid/systemTopics/eventSubscriptions` with WebHook destinations. Creating one (or
 * changing its endpoint) runs the validation handshake first; a failed handshake fails the PUT
 * with `400` and Event Grid's `Url validation` error. Shapes follow the 2022-06-15 example
 * SystemTopicEventSubscriptions_CreateOrUpdate.json: `201` with `provisioningState: Succeeded`,
 * `destination.properties.endpointBaseUrl` (the full `endpointUrl` is write-only: it may carry a
 * key, and only `getFullUrl` returns it), `retryPolicy` defaulted to 30 attempts / 1440 minutes.
 */

export const SUBSCRIPTION_TYPE = "Microsoft.EventGrid/systemTopics/eventSubscriptions";
const SUB_TEMPLATE = `${TOPIC_TEMPLATE}/eventSubscriptions/{eventSubscriptionName}`;

/** Stored next to the resource, never returned by GET. */
const FULL_URL = "__endpointUrl";

export interface EventSubscriptionHooks {
  webhook: () => WebhookClientOptions;
  onDelete: (subscriptionId: string) => void;
}

export function subscriptionId(p: Record<string, string>): string {
  return `${topicId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.systemTopicName ?? "")}/eventSubscriptions/${p.eventSubscriptionName ?? ""}`;
}

export function registerEventSubscriptions(kernel: SimKernel, hooks: EventSubscriptionHooks): void {
  kernel.router.arm("PUT", SUB_TEMPLATE, (req, p) => putSubscription(kernel, req, p, hooks),
    { operation: "SystemTopicEventSubscriptions_CreateOrUpdate", kind: "write" });

  kernel.router.arm("GET", SUB_TEMPLATE, (_req, p) => ({ status: 200, body: publicView(requireSubscription(kernel, subscriptionId(p))) }),
    { operation: "SystemTopicEventSubscriptions_Get", kind: "read" });

  kernel.router.arm("POST", `${SUB_TEMPLATE}/getFullUrl`, (_req, p) =>
    ({ status: 200, body: { endpointUrl: requireSubscription(kernel, subscriptionId(p))[FULL_URL] } }),
  { operation: "SystemTopicEventSubscriptions_GetFullUrl", kind: "read" });

  kernel.router.arm("DELETE", SUB_TEMPLATE, (_req, p) => {
    const id = subscriptionId(p);
    if (!kernel.store.has(id)) return { status: 204 };
    kernel.store.delete(id);
    hooks.onDelete(id);
    return { status: 200 };
  }, { operation: "SystemTopicEventSubscriptions_Delete", kind: "delete" });

  kernel.router.arm("GET", `${TOPIC_TEMPLATE}/eventSubscriptions`, (req, p) => {
    const topic = topicId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.systemTopicName ?? "");
    if (!kernel.store.has(topic)) throw kernel.notFound(topic);
    return kernel.page(req, subscriptionsOf(kernel, topic).map(publicView));
  }, { operation: "SystemTopicEventSubscriptions_ListBySystemTopic", kind: "read" });
}

export function subscriptionsOf(kernel: SimKernel, topic: string): ArmResource[] {
  return kernel.store.list({ prefix: topic, type: SUBSCRIPTION_TYPE });
}

/** The delivery settings of a stored subscription. */
export function deliveryTarget(sub: ArmResource): DeliveryTarget {
  const props = sub.properties ?? {};
  const destination = (props["destination"] ?? {}) as { properties?: { maxEventsPerBatch?: number } };
  return {
    subscriptionId: sub.id,
    subscriptionName: sub.name,
    endpointUrl: typeof sub[FULL_URL] === "string" ? sub[FULL_URL] : "",
    retryPolicy: props["retryPolicy"] as RetryPolicy,
    maxEventsPerBatch: destination.properties?.maxEventsPerBatch ?? 1,
    hasDeadLetterDestination: props["deadLetterDestination"] !== undefined && props["deadLetterDestination"] !== null
  };
}

export function subscriptionFilter(sub: ArmResource): SubscriptionFilter | undefined {
  return sub.properties?.["filter"] as SubscriptionFilter | undefined;
}

function requireSubscription(kernel: SimKernel, id: string): ArmResource {
  const sub = kernel.store.get(id);
  if (!sub) throw kernel.notFound(id);
  return sub;
}

function publicView(sub: ArmResource): ArmResource {
  const { [FULL_URL]: _hidden, systemData: _s, ...rest } = sub;
  return rest;
}

interface SubscriptionBody {
  properties?: {
    destination?: { endpointType?: unknown; properties?: { endpointUrl?: unknown; maxEventsPerBatch?: unknown; preferredBatchSizeInKilobytes?: unknown; [k: string]: unknown } };
    filter?: unknown;
    labels?: unknown;
    expirationTimeUtc?: unknown;
    eventDeliverySchema?: unknown;
    retryPolicy?: { maxDeliveryAttempts?: unknown; eventTimeToLiveInMinutes?: unknown };
    deadLetterDestination?: unknown;
  };
}

async function putSubscription(kernel: SimKernel, req: SimRequest, p: Record<string, string>, hooks: EventSubscriptionHooks): Promise<{ status: number; body: ArmResource }> {
  const topic = topicId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.systemTopicName ?? "");
  if (!kernel.store.has(topic)) throw kernel.notFound(topic);
  const name = p.eventSubscriptionName ?? "";
  if (!/^[A-Za-z0-9-]{3,64}$/.test(name)) {
    throw new ArmError(400, "InvalidRequest", `Event subscription name '${name}' is invalid: it must be 3 to 64 characters long and contain only letters, digits and hyphens.`);
  }
  const props = ((req.body ?? {}) as SubscriptionBody).properties ?? {};
  const destination = props.destination;
  if (!destination || destination.endpointType !== "WebHook") {
    throw new ArmError(400, "InvalidRequest", `properties.destination.endpointType must be 'WebHook': the simulator delivers to webhooks only (got ${JSON.stringify(destination?.endpointType ?? null)}).`);
  }
  const endpointUrl = destination.properties?.endpointUrl;
  if (typeof endpointUrl !== "string" || !/^https?:\/\//i.test(endpointUrl)) {
    throw new ArmError(400, "InvalidRequest", "properties.destination.properties.endpointUrl must be an absolute http(s) URL.");
  }
  const schema = props.eventDeliverySchema ?? "EventGridSchema";
  if (schema !== "EventGridSchema") {
    throw new ArmError(400, "InvalidRequest", `eventDeliverySchema ${JSON.stringify(schema)} is not simulated; use EventGridSchema.`);
  }
  const problems = validateFilter(props.filter);
  const retryPolicy = normaliseRetryPolicy(props.retryPolicy as Partial<RetryPolicy> | undefined);
  if (!Number.isInteger(retryPolicy.maxDeliveryAttempts) || retryPolicy.maxDeliveryAttempts < 1 || retryPolicy.maxDeliveryAttempts > 30) {
    problems.push("retryPolicy.maxDeliveryAttempts must be an integer between 1 and 30");
  }
  if (!Number.isInteger(retryPolicy.eventTimeToLiveInMinutes) || retryPolicy.eventTimeToLiveInMinutes < 1 || retryPolicy.eventTimeToLiveInMinutes > 1440) {
    problems.push("retryPolicy.eventTimeToLiveInMinutes must be an integer between 1 and 1440");
  }
  const batch = destination.properties?.maxEventsPerBatch;
  if (batch !== undefined && (!Number.isInteger(batch) || (batch as number) < 1 || (batch as number) > 5000)) {
    problems.push("destination.properties.maxEventsPerBatch must be an integer between 1 and 5000");
  }
  if (problems.length > 0) throw new ArmError(400, "InvalidRequest", problems.join("; "));

  const id = `${topic}/eventSubscriptions/${name}`;
  const existing = kernel.store.get(id);
  if (!existing || existing[FULL_URL] !== endpointUrl) {
    try {
      await runValidationHandshake({ endpointUrl, topic, validationUrlBase: `${kernel.baseUrl}/_sim/eventgrid/validate`, now: new Date(kernel.clock.now()) }, hooks.webhook());
    } catch (err) {
      if (err instanceof WebhookValidationError) throw new ArmError(400, err.code, err.message);
      throw err;
    }
  }
  const endpointBaseUrl = endpointUrl.split("?")[0] ?? endpointUrl;
  const { endpointUrl: _secret, ...destinationProps } = destination.properties ?? {};
  const resource = kernel.store.put(id, {
    ...kernel.store.envelope(id, {
      properties: {
        topic,
        provisioningState: "Succeeded",
        destination: { endpointType: "WebHook", properties: { ...destinationProps, endpointBaseUrl, maxEventsPerBatch: batch ?? 1, preferredBatchSizeInKilobytes: destination.properties?.preferredBatchSizeInKilobytes ?? 64 } },
        filter: { isSubjectCaseSensitive: false, ...((props.filter ?? {})) },
        labels: props.labels ?? null,
        eventDeliverySchema: "EventGridSchema",
        retryPolicy,
        ...(props.expirationTimeUtc ? { expirationTimeUtc: props.expirationTimeUtc } : {}),
        ...(props.deadLetterDestination ? { deadLetterDestination: props.deadLetterDestination } : {})
      }
    }),
    [FULL_URL]: endpointUrl
  });
  return { status: existing ? 200 : 201, body: publicView(resource) };
}
