/**
 * Simulator module "eventgrid" (sim-services): `Microsoft.EventGrid` system topics and webhook
 * event subscriptions, and the delivery of every event the kernel publishes to the subscriptions
 * whose topic source and filter match (Event Grid schema arrays, at least once, retried on Event
 * Grid's schedule on the shared clock, then dead-lettered). Control API: `GET /_sim/events`.
 */
import type { EventGridEvent, FaultKind, SimKernel } from "../kernel";
import { DeliveryEngine, type DeliveryFaults } from "./deliveryEngine";
import { deliveryTarget, registerEventSubscriptions, subscriptionFilter, subscriptionsOf } from "./eventSubscriptions";
import { matchesFilter } from "./filter";
import { registerResourceEvents } from "./resourceEvents";
import { registerSystemTopics, topicsForSource } from "./systemTopics";
import type { WebhookClientOptions } from "./webhookClient";

export { subscribeDemoClusters } from "./demoSubscriptions";
export { DeliveryEngine } from "./deliveryEngine";
export type { DeliveryRecord, DeliveryAttempt, DeliveryPolicy, DeliveryTarget } from "./deliveryEngine";
export { normaliseRetryPolicy } from "./retryPolicy";
export type { WebhookClientOptions } from "./webhookClient";

/** What other modules (and `npm start`) can reach through `kernel.service<EventGridService>("eventgrid")`. */
export interface EventGridService {
  engine: DeliveryEngine;
  /** Trust for https webhook endpoints (e.g. the local CA when the host serves https). */
  setWebhookOptions(options: WebhookClientOptions): void;
}

export const EVENTGRID_SERVICE = "eventgrid";
/** Monitor's fleet history (see monitor/fleetHistory.ts), looked up by name to keep the modules independent. */
const FLEET_HISTORY_SERVICE = "fleetHistory";

export function registerEventGrid(kernel: SimKernel): void {
  // Registering twice would add a second delivery engine behind the first one's routes.
  if (kernel.service(EVENTGRID_SERVICE)) return;
  let webhookOptions: WebhookClientOptions = {};
  const engine = new DeliveryEngine({
    clock: kernel.clock,
    faults: deliveryFaults(kernel),
    // Retry delays and TTLs shrink with the simulator's time compression, like operation durations.
    timeScale: () => kernel.config.durationScale,
    webhook: () => webhookOptions,
    track: (p) => kernel.track(p)
  });
  registerSystemTopics(kernel, (topic) => {
    for (const sub of subscriptionsOf(kernel, topic)) engine.forgetSubscription(sub.id);
  });
  registerEventSubscriptions(kernel, { webhook: () => webhookOptions, onDelete: (id) => engine.forgetSubscription(id) });

  kernel.setEventSink({ deliver: (source, events) => deliver(kernel, engine, source, events) });
  registerResourceEvents(kernel);
  kernel.provide<EventGridService>(EVENTGRID_SERVICE, { engine, setWebhookOptions: (o) => { webhookOptions = o; } });

  kernel.router.control("GET", "/_sim/events", (req) => ({
    status: 200,
    body: { value: engine.list({ subscription: req.query.get("subscription") ?? undefined, status: req.query.get("status") ?? undefined }) }
  }));
  // The validationUrl of the handshake event: the asynchronous (manual) validation is not simulated.
  kernel.router.control("GET", "/_sim/eventgrid/validate", () => ({
    status: 400,
    body: { error: { code: "NotSupported", message: "The simulator validates webhooks synchronously: answer the SubscriptionValidationEvent with {\"validationResponse\": <validationCode>}." } }
  }));
}

/** Hands one publish call to the system topics of its source (and, for resource events, of the subscription). */
function deliver(kernel: SimKernel, engine: DeliveryEngine, source: string, events: EventGridEvent[]): void {
  // AKS publishes at its state transitions (a pool starts or stops rolling): Monitor's fleet
  // history samples them here too, which matters on a real clock where nothing else samples.
  // One cluster when the events are about one (O(1)); the whole fleet otherwise.
  const fleet = kernel.service<{ observe(): void; observeCluster?(resourceId: string): void }>(FLEET_HISTORY_SERVICE);
  const about = /\/managedClusters\/[^/]+/i.test(source) ? source : events.find((e) => /\/managedClusters\/[^/]+/i.test(e.subject))?.subject;
  if (about && fleet?.observeCluster) fleet.observeCluster(about);
  else fleet?.observe();
  fanOut(kernel, engine, source, events);
  // A subscription's system topic (Microsoft.Resources.Subscriptions) also carries the resource
  // events of every group in it: the same events, with the subscription as their topic.
  const subscription = /^(\/subscriptions\/[^/]+)\/resourceGroups\/[^/]+\/?$/i.exec(source)?.[1];
  const resourceEvents = events.filter((e) => e.eventType.startsWith("Microsoft.Resources."));
  if (subscription && resourceEvents.length > 0) {
    fanOut(kernel, engine, subscription, resourceEvents.map((e) => ({ ...e, topic: subscription })));
  }
}

/** Fans events out to every matching subscription of every system topic of the source. */
function fanOut(kernel: SimKernel, engine: DeliveryEngine, source: string, events: EventGridEvent[]): void {
  for (const topic of topicsForSource(kernel, source)) {
    for (const sub of subscriptionsOf(kernel, topic.id)) {
      if (sub.properties?.["provisioningState"] !== "Succeeded") continue;
      // An expired subscription receives nothing (Event Grid deletes it shortly after expirationTimeUtc).
      const expires = sub.properties?.["expirationTimeUtc"];
      if (typeof expires === "string" && Date.parse(expires) <= kernel.clock.now()) continue;
      const filter = subscriptionFilter(sub);
      const matching = events.filter((e) => matchesFilter(filter, e));
      const target = deliveryTarget(sub);
      engine.dispatch(target, matching, [sub.id, topic.id, source, target.endpointUrl]);
    }
  }
}

/** Faults aimed at a subscription, its topic, the source resource (e.g. a cluster) or the endpoint URL. */
function deliveryFaults(kernel: SimKernel): DeliveryFaults {
  const take = (kind: FaultKind, targets: string[]) => {
    for (const t of targets) {
      const fault = kernel.faults.take(kind, t);
      if (fault) return fault;
    }
    return undefined;
  };
  return {
    duplicate: (targets) => take("eventDuplicate", targets) !== undefined,
    reorder: (targets) => take("eventReorder", targets) !== undefined,
    webhookFailure: (targets) => {
      const fault = take("webhookFailure", targets);
      return fault ? { status: Number(fault["status"] ?? 503) } : undefined;
    }
  };
}
