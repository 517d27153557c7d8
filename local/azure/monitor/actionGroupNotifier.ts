/**
 * Azure Monitor's side of an action group: when an alert source (here, a budget notification that
 * names action groups in `contactGroups`) fires, each enabled group POSTs the alert to every
 * webhook receiver, in the common alert schema when the receiver has `useCommonAlertSchema`, in
 * the source's own (legacy) schema otherwise. Attempts, records and retry timers are the Event
 * Grid delivery engine's; the schedule is Azure Monitor's, from "Action groups" → Webhook
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#webhook):
 * - retried only on 408, 429, 503, 504 or a connection error / timeout (a 500 is not retried);
 * - up to 5 retries, 5 s, 20 s, 5 s, 40 s and 5 s after the attempt before (× durationScale);
 * - once the retries are used up, no action group calls that endpoint for 15 minutes.
 * `GET /_sim/action-groups/deliveries` lists the deliveries and their attempts; the
 * `webhookFailure` fault (target: the action group, the receiver's serviceUri or the alert's
 * source, e.g. the budget) fails attempts without sending them.
 */
import type { ArmResource, FaultKind, SimKernel } from "../kernel";
import { registerEntraTokens } from "./entraTokens";
import { DeliveryEngine, normaliseRetryPolicy, type DeliveryPolicy, type DeliveryRecord, type DeliveryTarget, type WebhookClientOptions } from "../eventgrid";

export const ACTION_GROUP_NOTIFIER = "actionGroupNotifier";

const SECOND = 1000;
const RETRY_DELAYS_MS = [5, 20, 5, 40, 5].map((s) => s * SECOND);
const RETRIABLE = new Set([408, 429, 503, 504]);
const SUSPENSION_MS = 15 * 60 * SECOND;

/** One alert in both shapes: receivers choose by `useCommonAlertSchema`. */
export interface AlertPayloads {
  common: unknown;
  legacy: unknown;
}

export interface ActionGroupNotifier {
  /**
   * Sends the alert to every webhook receiver of each enabled action group (ids compared
   * case-insensitively; a group that does not exist is skipped, as Azure Monitor skips it).
   * `source` is the alert's origin (a budget id), also a fault target.
   */
  notify(actionGroupIds: string[], payloads: AlertPayloads, source: string): DeliveryRecord[];
  list(): DeliveryRecord[];
  setWebhookOptions(options: WebhookClientOptions): void;
}

interface WebhookReceiver {
  name?: unknown;
  serviceUri?: unknown;
  useCommonAlertSchema?: unknown;
  useAadAuth?: unknown;
  identifierUri?: unknown;
  tenantId?: unknown;
}

/**
 * Azure Monitor's webhook retry rules, scaled like every other simulated duration; `headers`
 * adds, per attempt, a secure webhook's bearer token (see entraTokens.ts).
 */
export function actionGroupRetryPolicy(scale: number, headers: () => Record<string, string> = () => ({})): DeliveryPolicy {
  return {
    afterFailure: (attempts, _ageMs, status) => {
      if (status !== undefined && !RETRIABLE.has(status)) return { action: "giveUp", reason: "NonRetriableStatus" };
      const delay = RETRY_DELAYS_MS[attempts - 1];
      if (delay === undefined) return { action: "giveUp", reason: "RetriesExhausted" };
      return { action: "retry", delayMs: Math.max(1, Math.round(delay * scale)) };
    },
    headers
  };
}

export function registerActionGroupNotifier(kernel: SimKernel): ActionGroupNotifier {
  const existing = kernel.service<ActionGroupNotifier>(ACTION_GROUP_NOTIFIER);
  if (existing) return existing;
  let webhookOptions: WebhookClientOptions = {};
  /** Endpoint URL → until when no action group calls it (after its retries were used up). */
  const suspended = new Map<string, number>();
  const take = (kind: FaultKind, targets: string[]) => targets.map((t) => kernel.faults.take(kind, t)).find((f) => f !== undefined);
  const engine = new DeliveryEngine({
    clock: kernel.clock,
    faults: {
      duplicate: () => false,
      reorder: () => false,
      webhookFailure: (targets) => {
        const fault = take("webhookFailure", targets);
        return fault ? { status: Number(fault["status"] ?? 503) } : undefined;
      }
    },
    timeScale: () => kernel.config.durationScale,
    webhook: () => webhookOptions,
    track: (p) => kernel.track(p),
    onGiveUp: (record) => {
      if (record.deadLetterReason === "RetriesExhausted") suspended.set(record.endpointUrl, kernel.clock.now() + kernel.scaled(SUSPENSION_MS));
    }
  });
  kernel.onDispose(() => engine.stop());

  const notifier: ActionGroupNotifier = {
    notify: (actionGroupIds, payloads, source) => {
      const records: DeliveryRecord[] = [];
      for (const groupId of actionGroupIds) {
        const group = kernel.store.get(groupId);
        if (!group || !/\/providers\/Microsoft\.Insights\/actionGroups\/[^/]+$/i.test(group.id)) continue;
        if (group.properties?.["enabled"] === false) continue;
        for (const receiver of webhookReceivers(group)) {
          if (typeof receiver.serviceUri !== "string") continue;
          const payload = receiver.useCommonAlertSchema === true ? payloads.common : payloads.legacy;
          const target = deliveryTarget(kernel, group, receiver);
          const until = suspended.get(receiver.serviceUri);
          if (until !== undefined && until > kernel.clock.now()) {
            records.push(engine.skip(target, payload, "EndpointSuspended"));
            continue;
          }
          const record = engine.send(target, payload, [group.id, receiver.serviceUri, source]);
          if (record) records.push(record);
        }
      }
      return records;
    },
    list: () => engine.list(),
    setWebhookOptions: (o) => { webhookOptions = o; }
  };
  kernel.provide(ACTION_GROUP_NOTIFIER, notifier);
  kernel.router.control("GET", "/_sim/action-groups/deliveries", (req) => ({
    status: 200,
    body: { value: engine.list({ subscription: req.query.get("actionGroup") ?? undefined, status: req.query.get("status") ?? undefined }) }
  }));
  return notifier;
}

function webhookReceivers(group: ArmResource): WebhookReceiver[] {
  const list = group.properties?.["webhookReceivers"];
  return Array.isArray(list) ? (list as WebhookReceiver[]) : [];
}

function deliveryTarget(kernel: SimKernel, group: ArmResource, receiver: WebhookReceiver): DeliveryTarget {
  const secure = receiver.useAadAuth === true && typeof receiver.identifierUri === "string" && typeof receiver.tenantId === "string";
  const tokens = secure ? registerEntraTokens(kernel) : undefined;
  const headers = (): Record<string, string> => tokens ? { authorization: `Bearer ${tokens.actionGroupToken(String(receiver.tenantId), String(receiver.identifierUri))}` } : {};
  return {
    // The record's "subscription" is the action group; its name the receiver's.
    subscriptionId: group.id,
    subscriptionName: typeof receiver.name === "string" ? receiver.name : "",
    endpointUrl: String(receiver.serviceUri),
    retryPolicy: normaliseRetryPolicy(undefined),
    maxEventsPerBatch: 1,
    hasDeadLetterDestination: false,
    policy: actionGroupRetryPolicy(kernel.config.durationScale, headers)
  };
}
