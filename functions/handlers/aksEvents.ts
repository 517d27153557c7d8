import { createHash } from "node:crypto";
import type { EventGridEvent as FunctionsEventGridEvent, InvocationContext } from "@azure/functions";
import { isSystemEvent, type EventGridEvent } from "@azure/eventgrid";
import { supportEndingCard } from "../../shared/teams/cards";
import { isoNow, type ClusterRecord, type EventRecord } from "../../shared/store";
import { statusUrl } from "./clusters";
import type { DurableClientPort } from "./durableClient";
import { isRecord } from "./http";
import { policyProposal } from "./targets";
import { startKubernetesUpgrade } from "./upgradeStarter";
import { clustersForResourceEvent, requestGovernanceReview } from "./governance";
import { EventNames, InstanceIds } from "../../orchestrations/names";
import type { Platform } from "../runtime/platform";
import { unlessNotFound } from "../../shared/domain/failures";

interface Routed {
  disposition: string;
  clusterId?: string;
  operationId?: string;
  detail?: string;
}

/** Event data nested deeper than this is refused (AKS and resource events nest 5 levels at most). */
export const MAX_EVENT_DATA_DEPTH = 32;
/** Event data larger than this (UTF-8 JSON) is refused: AKS events are under 2 KB, resource events under 16 KB. */
export const MAX_EVENT_DATA_BYTES = 64 * 1024;
/** An id, type, subject or topic longer than this is refused (Azure resource ids stay well under it). */
const MAX_EVENT_FIELD_CHARS = 4096;

/** A redelivery of an event another delivery is routing right now (its lease is live): Event Grid retries it later. */
export class EventBusyError extends Error {
  constructor(readonly eventId: string, readonly leaseUntil: string) {
    super(`Event ${eventId} is being routed by another delivery (lease until ${leaseUntil}); a redelivery after that acknowledges or retakes it`);
    this.name = "EventBusyError";
  }
}

/**
 * The Event Grid function for the clusters' system topics. Each event is recorded once in `events`
 * (keyed by its id: a create that answers 409 is a duplicate delivery; the same id with other
 * content is recorded as a conflict and not acted on), then routed under a lease: an ETag-guarded
 * flip of the record from `received` (or `failed`, or `routing` with a lease run out) to `routing`
 * with `leaseUntil`. Only the delivery that flipped it routes; a duplicate in the same process waits
 * for that routing and answers as it does; a duplicate elsewhere while the lease is live fails
 * (Event Grid redelivers it later, when the event is routed or its lease ran out after a crash).
 * Cards are deduplicated on the record, so a retaken routing does not post them again.
 * Invalid events (missing fields, data nested too deep or too large) and events about unknown
 * clusters are recorded and acknowledged, so Event Grid does not retry them, and they never fail
 * the rest of their batch. A routing failure marks the record `failed` and throws (the host answers
 * 500), so Event Grid redelivers and the redelivery routes it again.
 */
export function createAksEventsHandler(p: Platform, clientOf: (context: InvocationContext) => DurableClientPort) {
  /** Routings in flight in this process, by event id: a parallel duplicate joins instead of routing again. */
  const inFlight = new Map<string, Promise<void>>();
  return async (raw: FunctionsEventGridEvent, context: InvocationContext): Promise<void> => {
    const receivedAt = isoNow(p.clock);
    const problem = invalidity(raw);
    const event = problem ? undefined : typed(raw);
    if (!event) {
      const rawId = isRecord(raw) && typeof raw.id === "string" && raw.id && raw.id.length <= MAX_EVENT_FIELD_CHARS ? raw.id : undefined;
      const id = rawId ?? `invalid-${createHash("sha256").update(safeText(raw)).digest("hex").slice(0, 32)}`;
      const field = (name: string): string => (isRecord(raw) && typeof raw[name] === "string" ? String(raw[name]).slice(0, MAX_EVENT_FIELD_CHARS) : "");
      // The data is kept only when it is within bounds: a record must never be what fails.
      const data = isRecord(raw) && !dataProblem(raw.data) ? raw.data ?? null : null;
      await p.store.events.recordOnce({
        id, type: field("eventType") || "unknown", subject: field("subject"), topic: field("topic"), receivedAt, disposition: "invalid",
        detail: problem ?? "not an Event Grid event (id, topic, subject, eventType and eventTime are required)", data
      });
      context.warn(`aksEvents: invalid event ${JSON.stringify(id.slice(0, 200))} recorded and acknowledged: ${problem ?? "missing fields"}`);
      return;
    }
    const contentHash = contentHashOf(event);
    const record: EventRecord = {
      id: event.id, type: event.eventType, subject: event.subject, topic: event.topic ?? "",
      eventTime: event.eventTime.toISOString(), receivedAt, data: event.data, disposition: "received", contentHash
    };
    if ((await p.store.events.recordOnce(record)) === "duplicate") {
      const existing = (await p.store.events.get(event.id))?.doc;
      if (existing && (existing.contentHash ?? recordedHashOf(existing)) !== contentHash) {
        // The same id with other content: a forged or broken event. Kept for audit, never acted on.
        const conflict = `${event.id}:conflict:${contentHash.slice(0, 16)}`;
        await p.store.events.recordOnce({ ...record, id: conflict, disposition: "conflict", conflictsWith: event.id, detail: `content differs from the event recorded under id ${event.id}` });
        context.warn(`aksEvents: event ${event.id} arrived again with different content; recorded as conflict ${conflict} and not acted on`);
        return;
      }
      if (existing && !routable(existing.disposition)) return;
    }
    const joined = inFlight.get(event.id);
    if (joined) return joined;
    const run = routeUnderLease(p, clientOf(context), event).finally(() => inFlight.delete(event.id));
    inFlight.set(event.id, run);
    return run;
  };
}

/** Dispositions a redelivery may (re)take: not routed yet, failed, or being routed (retaken when the lease ran out). */
function routable(disposition: string | undefined): boolean {
  return disposition === undefined || disposition === "received" || disposition === "failed" || disposition === "routing";
}

/**
 * Takes the event's lease (ETag-guarded: of parallel deliveries exactly one flips the record), routes
 * it and records the outcome. Finds it routed already: nothing to do. Finds a live lease: EventBusyError.
 */
async function routeUnderLease(p: Platform, client: DurableClientPort, event: EventGridEvent<unknown>): Promise<void> {
  const now = p.clock.now();
  let taken = false;
  const after = await p.store.events.mutate(event.id, (doc) => {
    taken = false;
    if (!routable(doc.disposition)) return undefined;
    if (doc.disposition === "routing" && doc.leaseUntil && Date.parse(doc.leaseUntil) > now) return undefined;
    taken = true;
    return { ...doc, disposition: "routing", leaseUntil: new Date(now + p.config.events.leaseMs).toISOString(), attempts: (doc.attempts ?? 0) + 1 };
  });
  if (!taken) {
    if (after.doc.disposition === "routing") throw new EventBusyError(event.id, after.doc.leaseUntil ?? "");
    return;
  }
  try {
    const routed = await route(p, client, event);
    await p.store.events.mutate(event.id, (doc) => {
      const { leaseUntil: _lease, ...rest } = doc;
      return { ...rest, ...routed };
    });
  } catch (err) {
    await p.store.events.mutate(event.id, (doc) => {
      const { leaseUntil: _lease, ...rest } = doc;
      return { ...rest, disposition: "failed", detail: err instanceof Error ? err.message : String(err) };
    });
    throw err;
  }
}

/**
 * Claims a card on the event's record before posting it (ETag-guarded, so of two routings of one
 * event only one posts), and gives the claim back when the post failed, so a redelivery tries again.
 */
async function postOnce(p: Platform, eventId: string, key: string, card: Parameters<Platform["postTeams"]>[1]): Promise<{ delivered: boolean; error?: string; duplicate?: boolean }> {
  let claimed = false;
  await p.store.events.mutate(eventId, (doc) => {
    claimed = false;
    if (doc.cards?.includes(key)) return undefined;
    claimed = true;
    return { ...doc, cards: [...(doc.cards ?? []), key] };
  });
  if (!claimed) return { delivered: true, duplicate: true };
  const posted = await p.postTeams(p.config.teamsWebhookUrl, card);
  if (!posted.delivered) {
    await p.store.events.mutate(eventId, (doc) => ({ ...doc, cards: (doc.cards ?? []).filter((c) => c !== key) })).catch(() => undefined);
  }
  return posted;
}

/**
 * Why an event cannot be taken as one, or undefined. Depth is measured without recursion (data
 * nested 5,000 deep must not overflow the stack before it is refused), before anything serialises it.
 */
function invalidity(raw: unknown): string | undefined {
  if (!isRecord(raw)) return "the event is not a JSON object";
  for (const name of ["id", "eventType", "subject", "topic"]) {
    const value = raw[name];
    if (typeof value === "string" && value.length > MAX_EVENT_FIELD_CHARS) return `${name} is longer than ${MAX_EVENT_FIELD_CHARS} characters`;
  }
  return dataProblem(raw.data);
}

/** Why event data is refused (nested too deep, too large), or undefined. */
export function dataProblem(data: unknown): string | undefined {
  const stack: [unknown, number][] = [[data, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_EVENT_DATA_DEPTH) return `data is nested deeper than ${MAX_EVENT_DATA_DEPTH} levels`;
    const children = Array.isArray(value) ? value : Object.values(value);
    nodes += children.length;
    if (nodes > MAX_EVENT_DATA_BYTES) return `data holds more than ${MAX_EVENT_DATA_BYTES} values`;
    for (const child of children) stack.push([child, depth + 1]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(data ?? null));
  if (bytes > MAX_EVENT_DATA_BYTES) return `data is ${bytes} bytes, over the ${MAX_EVENT_DATA_BYTES}-byte bound`;
  return undefined;
}

/** Text to hash an invalid event by, whatever it holds. */
function safeText(raw: unknown): string {
  try {
    return JSON.stringify(raw ?? null) ?? "null";
  } catch {
    return String(raw);
  }
}

/** Canonical JSON (keys sorted), so equal content hashes equally whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  return JSON.stringify(value ?? null);
}

function hashContent(content: { type: string; subject: string; topic: string; eventTime: string; data: unknown }): string {
  return createHash("sha256").update(canonical(content)).digest("hex");
}

function contentHashOf(event: EventGridEvent<unknown>): string {
  return hashContent({ type: event.eventType, subject: event.subject, topic: event.topic ?? "", eventTime: event.eventTime.toISOString(), data: event.data });
}

/** Records written before `contentHash` existed. */
function recordedHashOf(r: EventRecord): string {
  return hashContent({ type: r.type, subject: r.subject, topic: r.topic, eventTime: r.eventTime ?? "", data: r.data });
}

/** The Functions binding's event as @azure/eventgrid types it (eventTime a Date), or undefined when it is not a valid event. */
function typed(raw: FunctionsEventGridEvent | undefined): EventGridEvent<unknown> | undefined {
  if (!raw || typeof raw.id !== "string" || !raw.id || typeof raw.eventType !== "string" || typeof raw.subject !== "string") return undefined;
  if (typeof raw.topic !== "string" || !raw.topic) return undefined;
  const eventTime = new Date(String(raw.eventTime));
  if (Number.isNaN(eventTime.getTime())) return undefined;
  return { id: raw.id, topic: raw.topic, subject: raw.subject, eventType: raw.eventType, eventTime, dataVersion: String(raw.dataVersion ?? ""), data: raw.data };
}

/**
 * The one record an event is for. A resource id belongs to one record; should older data hold two
 * (a case variant registered before names were case-insensitive), the first registered one is the
 * owner and the event is routed to it alone, never to both.
 */
async function clustersOf(p: Platform, topic: string): Promise<ClusterRecord[]> {
  const byTopic = await p.store.clusters.listByEventTopic(topic);
  if (byTopic.length > 0) return byTopic.slice(0, 1);
  const byId = await p.store.clusters.findByResourceId(topic);
  return byId ? [byId] : [];
}

async function route(p: Platform, client: DurableClientPort, event: EventGridEvent<unknown>): Promise<Routed> {
  // --- governance (issue 13): resource writes and deletes from the clusters' resource-group topics.
  if (event.eventType === "Microsoft.Resources.ResourceWriteSuccess" || event.eventType === "Microsoft.Resources.ResourceDeleteSuccess") {
    return onResourceEvent(p, client, event);
  }
  const clusters = await clustersOf(p, event.topic ?? "");
  if (clusters.length === 0) return { disposition: "unknownCluster" };

  if (isSystemEvent("Microsoft.ContainerService.NewKubernetesVersionAvailable", event)) {
    if (!isRecord(event.data)) return { disposition: "invalid", detail: "data is not an object" };
    const outcomes: Routed[] = [];
    for (const cluster of clusters) outcomes.push(await onNewVersion(p, client, cluster, event.id));
    return outcomes.length === 1 ? outcomes[0]! : { disposition: outcomes.map((o) => o.disposition).join(","), detail: JSON.stringify(outcomes) };
  }
  if (isSystemEvent("Microsoft.ContainerService.ClusterSupportEnding", event) || isSystemEvent("Microsoft.ContainerService.ClusterSupportEnded", event)) {
    const ended = event.eventType.endsWith("Ended");
    const outcomes: Routed[] = [];
    for (const cluster of clusters) outcomes.push(await onSupportEnding(p, client, cluster, event, ended));
    return outcomes[0]!;
  }
  if (event.eventType.startsWith("Microsoft.ContainerService.NodePoolRolling")) {
    return onNodePoolRolling(p, client, clusters[0]!, event);
  }
  return { disposition: "ignored", clusterId: clusters[0]!.id, detail: `no route for ${event.eventType}` };
}

/**
 * The event is only the trigger: the target comes from ARM (the cluster's current version and the
 * versions its region offers, read now), so a forged payload cannot pick a version.
 */
async function onNewVersion(p: Platform, client: DurableClientPort, cluster: ClusterRecord, eventId: string): Promise<Routed> {
  const { choice, current } = await policyProposal(p, cluster);
  if (choice.kind === "none") return { disposition: "noUpgrade", clusterId: cluster.id, detail: choice.reason };
  // A budget hold (staging/prod past their budget) makes a new minor wait; patches go ahead.
  const started = await startKubernetesUpgrade(p, client, { cluster, target: choice.target, trigger: { type: "event", eventId }, resume: false, current });
  if (started.outcome === "held") return { disposition: "upgradeHeld", clusterId: cluster.id, detail: `${choice.target} waits for hold ${started.holdId} to be released` };
  return { disposition: started.outcome === "exists" ? "upgradeExists" : "upgradeStarted", clusterId: cluster.id, operationId: started.operationId };
}

async function onSupportEnding(p: Platform, client: DurableClientPort, cluster: ClusterRecord, event: EventGridEvent<unknown>, ended: boolean): Promise<Routed> {
  const data = isRecord(event.data) ? event.data : {};
  const version = typeof data.kubernetesVersion === "string" ? data.kubernetesVersion : cluster.observed?.kubernetesVersion ?? cluster.spec.kubernetesVersion;
  const { choice, steps } = await policyProposal(p, cluster);
  let operationId: string | undefined;
  if (choice.kind === "upgrade") {
    const started = await startKubernetesUpgrade(p, client, { cluster, target: choice.target, trigger: { type: "event", eventId: event.id }, resume: false });
    // A budget hold makes a new minor wait: the card still proposes it, without an operation yet.
    if (started.outcome !== "held") operationId = started.operationId;
  }
  const card = supportEndingCard({
    cluster: cluster.id, environment: cluster.environment, kubernetesVersion: version, ended, eventTime: event.eventTime.toISOString(),
    ...(choice.kind === "upgrade" && operationId ? { proposal: { target: choice.target, steps: steps ?? 0, operationUrl: statusUrl(p, operationId) } } : {})
  });
  // The alert is best effort: a Teams outage must not make Event Grid redeliver (and re-route) the event.
  const posted = await postOnce(p, event.id, `${ended ? "supportEnded" : "supportEnding"}:${cluster.id}`, card);
  return {
    disposition: ended ? "supportEnded" : "supportEnding", clusterId: cluster.id, ...(operationId ? { operationId } : {}),
    detail: `${choice.kind === "upgrade" ? `upgrade to ${choice.target} proposed` : choice.reason}; Teams alert ${posted.duplicate ? "posted by an earlier routing" : posted.delivered ? "posted" : `not delivered (${posted.error})`}`
  };
}

/**
 * A pool's rolling event: attached to the platform step running on that pool, and, when it says the
 * roll ended (Succeeded/Failed), raised on that step's orchestration so it checks ARM at once
 * instead of at its next poll. The event only wakes the step; ARM says how it ended.
 */
async function onNodePoolRolling(p: Platform, client: DurableClientPort, cluster: ClusterRecord, event: EventGridEvent<unknown>): Promise<Routed> {
  const data = isRecord(event.data) ? event.data : {};
  const pool = typeof data.nodePoolName === "string" ? data.nodePoolName : undefined;
  const holder = cluster.lock?.holder;
  if (holder && pool) {
    let attached = false;
    let wake: string | undefined;
    // Only "not there" (the record or the step's instance is gone) makes the event out of band; a
    // Cosmos 429 or a 5xx is thrown: the event is marked `failed` and the delivery answers 5xx, which
    // Event Grid retries (only 400, 401, 403 and 413 from a webhook are not retried:
    // https://learn.microsoft.com/azure/event-grid/delivery-and-retry).
    await unlessNotFound(p.store.operations.mutate(cluster.id, holder.operationId, (op) => {
      const i = op.steps.findIndex((s) => (s.kind === "nodePool" || s.kind === "nodeImage") && s.pool === pool && s.status === "Running");
      if (i >= 0 && /Rolling(Succeeded|Failed)$/.test(event.eventType)) wake = InstanceIds.step(op.instanceId ?? holder.instanceId, op.steps[i]!.index);
      if (i < 0 || op.steps[i]!.events?.some((e) => e.eventId === event.id)) {
        attached = i >= 0;
        return undefined;
      }
      attached = true;
      const steps = [...op.steps];
      steps[i] = { ...steps[i]!, events: [...(steps[i]!.events ?? []), { eventId: event.id, type: event.eventType, at: event.eventTime.toISOString(), data: event.data }] };
      return { ...op, steps };
    }));
    if (wake) {
      // The step may have finished already (its poll came first): nothing waits for the event then.
      await unlessNotFound(client.raiseEvent(wake, EventNames.stepEvent, { eventId: event.id, type: event.eventType }));
    }
    if (attached) return { disposition: wake ? "attachedAndWoke" : "attached", clusterId: cluster.id, operationId: holder.operationId };
  }
  return { disposition: "outOfBand", clusterId: cluster.id, detail: `${event.eventType} for pool ${pool ?? "?"} with no platform step running on it` };
}

/**
 * A diagnostic setting or budget written or deleted in a cluster's resource group: a review of the
 * cluster's governance for that subject is requested (coalesced with the others of its window, read
 * against ARM once, never the event's payload), so a storm of events costs one ARM review per
 * cluster and subject, and the platform's own remediation writes find nothing to do.
 */
async function onResourceEvent(p: Platform, client: DurableClientPort, event: EventGridEvent<unknown>): Promise<Routed> {
  const { clusters, subject } = await clustersForResourceEvent(p, event.subject);
  if (!subject || clusters.length === 0) return { disposition: "ignored", detail: `not governed: ${event.subject}` };
  const results: Routed[] = [];
  for (const cluster of clusters) {
    results.push({ disposition: await requestGovernanceReview(p, client, cluster, subject, event.id), clusterId: cluster.id, detail: `${subject} review ${InstanceIds.governanceReview(cluster.id, subject)}` });
  }
  return results.length === 1 ? results[0]! : { disposition: results.map((r) => r.disposition).join(","), clusterId: results[0]!.clusterId ?? "", detail: JSON.stringify(results) };
}
