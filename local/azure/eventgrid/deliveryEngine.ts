import type { CancelTimer, Clock } from "../../clock";
import type { EventGridEvent } from "../kernel/types";
import { decideAfterFailure, type RetryDecision, type RetryPolicy } from "./retryPolicy";
import { postJson, type WebhookAnswer, type WebhookClientOptions } from "./webhookClient";

/**
 * Delivers Event Grid schema batches to webhook subscriptions: at least once, retried on Event
 * Grid's schedule on the shared clock, then dead-lettered. Every attempt is recorded for
 * `GET /_sim/events`. Other webhook senders (Azure Monitor action groups) reuse the same attempt,
 * record and timer machinery with their own retry schedule and headers: `send` with a target
 * that carries a `policy`.
 */

/** Where a batch goes: one event subscription with a WebHook destination. */
export interface DeliveryTarget {
  /** ARM id of the event subscription. */
  subscriptionId: string;
  subscriptionName: string;
  endpointUrl: string;
  retryPolicy: RetryPolicy;
  /** Events per POST; Event Grid's default is 1 (the payload is still an array). */
  maxEventsPerBatch: number;
  hasDeadLetterDestination: boolean;
  /** Another sender's schedule and headers (default: Event Grid's, from `retryPolicy`). */
  policy?: DeliveryPolicy;
}

/** How a sender other than Event Grid retries and what it sends with each POST. */
export interface DeliveryPolicy {
  /** After failed attempt number `attempts` (>= 1), `ageMs` after the delivery was created; `status` absent on a connection error. */
  afterFailure(attempts: number, ageMs: number, status: number | undefined): RetryDecision | { action: "giveUp"; reason: string };
  headers(attemptNo: number): Record<string, string>;
}

/** A chaos switch consulted per delivery; `targets` are the names a fault may be aimed at. */
export interface DeliveryFaults {
  duplicate(targets: string[]): boolean;
  reorder(targets: string[]): boolean;
  /** An injected webhook failure: the attempt is not sent and counts as failed with this status. */
  webhookFailure(targets: string[]): { status: number } | undefined;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  outcome: "delivered" | "failed";
  responseCode?: number;
  error?: string;
  injected?: boolean;
}

export type DeliveryStatus = "pending" | "retrying" | "delivered" | "deadLettered" | "dropped" | "failed";

export interface DeliveryRecord {
  id: string;
  subscription: string;
  subscriptionName: string;
  endpointUrl: string;
  publishedAt: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt?: string;
  deadLetterReason?: string;
  /** Set on the second copy made by the `eventDuplicate` fault. */
  duplicate?: boolean;
  /** Event Grid's batch (empty for other senders, whose body is `payload`). */
  events: EventGridEvent[];
  /** The body another sender POSTs (an action group's alert payload). */
  payload?: unknown;
}

export interface DeliveryEngineOptions {
  clock: Clock;
  faults: DeliveryFaults;
  /** Factor applied to Event Grid's retry delays and TTL (the simulator's time compression). */
  timeScale: () => number;
  /** Trust and timeout for webhook POSTs, read per attempt. */
  webhook?: () => WebhookClientOptions;
  /** Oldest records are forgotten beyond this many. */
  maxRecords?: number;
  /** Counts a delivery as work in flight for the simulator's idle probe. */
  track?: <T>(p: Promise<T>) => Promise<T>;
  /** Called when a delivery ends without success (dead-lettered, dropped or given up). */
  onGiveUp?: (record: DeliveryRecord) => void;
}

export class DeliveryEngine {
  private readonly records: DeliveryRecord[] = [];
  private readonly timers = new Map<DeliveryRecord, CancelTimer>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly publishedAtMs = new Map<DeliveryRecord, number>();
  private seq = 0;
  private stopped = false;

  constructor(private readonly options: DeliveryEngineOptions) {}

  /** Hands one publish call's events to one subscription (already filtered), applying faults. */
  dispatch(target: DeliveryTarget, events: EventGridEvent[], faultTargets: string[]): void {
    if (events.length === 0 || this.stopped) return;
    const ordered = this.options.faults.reorder(faultTargets) ? [...events].reverse() : events;
    const copies = this.options.faults.duplicate(faultTargets) ? 2 : 1;
    const size = Math.max(1, target.maxEventsPerBatch);
    const batches: DeliveryRecord[] = [];
    for (let i = 0; i < ordered.length; i += size) {
      for (let c = 0; c < copies; c++) batches.push(this.newRecord(target, ordered.slice(i, i + size), c > 0));
    }
    // One publish call's batches go out one after the other, so a reordered batch arrives reversed.
    this.track((async () => {
      for (const record of batches) await this.attempt(record, target, faultTargets);
    })());
  }

  /**
   * Sends one payload to one endpoint (no batching, duplication or reordering: those are Event
   * Grid's), retried by the target's `policy`. Returns the record, which the engine updates.
   */
  send(target: DeliveryTarget, payload: unknown, faultTargets: string[]): DeliveryRecord | undefined {
    if (this.stopped) return undefined;
    const record = this.newRecord(target, [], false);
    record.payload = payload;
    this.track(this.attempt(record, target, faultTargets));
    return record;
  }

  /** Records a delivery that was never attempted (e.g. an endpoint an action group has suspended). */
  skip(target: DeliveryTarget, payload: unknown, reason: string): DeliveryRecord {
    const record = this.newRecord(target, [], false);
    record.payload = payload;
    record.status = "dropped";
    record.deadLetterReason = reason;
    return record;
  }

  /** Stops retrying deliveries of a deleted subscription (Event Grid drops them). */
  forgetSubscription(subscriptionId: string): void {
    for (const [record, cancel] of this.timers) {
      if (record.subscription.toLowerCase() !== subscriptionId.toLowerCase()) continue;
      cancel();
      this.timers.delete(record);
      record.status = "dropped";
      record.deadLetterReason = "SubscriptionDeleted";
      delete record.nextAttemptAt;
    }
  }

  list(filter: { subscription?: string; status?: string } = {}): DeliveryRecord[] {
    return this.records.filter((r) =>
      (!filter.subscription || r.subscription.toLowerCase().endsWith(filter.subscription.toLowerCase())) &&
      (!filter.status || r.status === filter.status));
  }

  /** Resolves once no POST is in flight (scheduled retries are clock timers, not busy work). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private newRecord(target: DeliveryTarget, events: EventGridEvent[], duplicate: boolean): DeliveryRecord {
    const now = this.options.clock.now();
    const record: DeliveryRecord = {
      id: `delivery-${++this.seq}`,
      subscription: target.subscriptionId,
      subscriptionName: target.subscriptionName,
      endpointUrl: target.endpointUrl,
      publishedAt: new Date(now).toISOString(),
      status: "pending",
      attempts: [],
      ...(duplicate ? { duplicate: true } : {}),
      events
    };
    this.records.push(record);
    this.publishedAtMs.set(record, now);
    const max = this.options.maxRecords ?? 10_000;
    while (this.records.length > max) {
      const old = this.records.shift();
      if (old) this.publishedAtMs.delete(old);
    }
    return record;
  }

  private track(work: Promise<void>): void {
    const p = work.catch(() => undefined).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    void this.options.track?.(p);
  }

  private async attempt(record: DeliveryRecord, target: DeliveryTarget, faultTargets: string[]): Promise<void> {
    if (this.stopped) return;
    this.timers.delete(record);
    delete record.nextAttemptAt;
    const attemptNo = record.attempts.length + 1;
    const at = new Date(this.options.clock.now()).toISOString();
    const injected = this.options.faults.webhookFailure(faultTargets);
    let answer: WebhookAnswer | undefined;
    let error: string | undefined;
    if (injected) {
      answer = { status: injected.status, body: "" };
    } else {
      try {
        const headers = target.policy ? target.policy.headers(attemptNo) : this.headers(record, target, attemptNo);
        answer = await postJson(target.endpointUrl, target.policy ? record.payload : record.events, headers, this.options.webhook?.());
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    const ok = answer !== undefined && answer.status >= 200 && answer.status < 300;
    record.attempts.push({
      attempt: attemptNo,
      at,
      outcome: ok ? "delivered" : "failed",
      ...(answer ? { responseCode: answer.status } : {}),
      ...(error ? { error } : {}),
      ...(injected ? { injected: true } : {})
    });
    if (ok) {
      record.status = "delivered";
      return;
    }
    const age = this.options.clock.now() - (this.publishedAtMs.get(record) ?? this.options.clock.now());
    const decision = target.policy
      ? target.policy.afterFailure(attemptNo, age, answer?.status)
      : decideAfterFailure(target.retryPolicy, attemptNo, age, answer?.status, this.options.timeScale());
    if (decision.action !== "retry") {
      record.status = decision.action === "giveUp" ? "failed" : target.hasDeadLetterDestination ? "deadLettered" : "dropped";
      record.deadLetterReason = decision.reason;
      this.options.onGiveUp?.(record);
      return;
    }
    record.status = "retrying";
    const due = this.options.clock.now() + decision.delayMs;
    record.nextAttemptAt = new Date(due).toISOString();
    this.timers.set(record, this.options.clock.setTimer(due, () => this.track(this.attempt(record, target, faultTargets))));
  }

  /** Event Grid's delivery headers (https://learn.microsoft.com/azure/event-grid/delivery-properties and handler docs). */
  private headers(record: DeliveryRecord, target: DeliveryTarget, attemptNo: number): Record<string, string> {
    const first = record.events[0];
    return {
      "aeg-event-type": "Notification",
      // Event Grid sends the subscription name upper-cased.
      "aeg-subscription-name": target.subscriptionName.toUpperCase(),
      // The number of earlier attempts: 0 on the first delivery.
      "aeg-delivery-count": String(attemptNo - 1),
      "aeg-metadata-version": first?.metadataVersion ?? "1",
      "aeg-data-version": first?.dataVersion ?? "",
      ...(first ? { "aeg-output-event-id": first.id } : {})
    };
  }
}
