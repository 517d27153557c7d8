import type { ArmClients } from "../../shared/azure";
import { subscriptionOf } from "../../shared/domain/subscriptions";
import type { Platform } from "./platform";

type Activity<I, O> = (input: I) => Promise<O>;

/**
 * Issue 31: an activity that reads or writes a cluster does it with the client set of the cluster's
 * own subscription. `routed` builds the activity once per subscription over that subscription's
 * clients (retry-less, as activities use) and runs each call on the one `locate` names: the
 * subscription of the input's cluster resource id, or of the cluster's record. An input that names
 * none runs on the home subscription's clients (the activity then fails on its own terms).
 */
export function routed<I, O>(p: Platform, locate: (input: I) => Promise<string | undefined> | string | undefined, build: (arm: ArmClients, subscriptionId: string) => Activity<I, O>): Activity<I, O> {
  const built = new Map<string, Activity<I, O>>();
  return async (input) => {
    const subscription = ((await locate(input)) ?? p.config.subscriptionId).toLowerCase();
    let activity = built.get(subscription);
    if (!activity) built.set(subscription, (activity = build(p.activityArmFor(subscription), subscription)));
    return activity(input);
  };
}

/** The subscription of `input.resourceId` (a cluster's ARM id). */
export function byResourceId(input: unknown): string | undefined {
  return subscriptionOf((input as { resourceId?: unknown } | undefined)?.resourceId);
}

const recordSubscriptions = new WeakMap<Platform, Map<string, string>>();

/**
 * The subscription of the cluster `input.clusterId` names, from its record's resource id (read once
 * per cluster and process: a record's ARM id never changes, re-registration keeps it).
 */
export function byClusterRecord(p: Platform): (input: unknown) => Promise<string | undefined> {
  let known = recordSubscriptions.get(p);
  if (!known) recordSubscriptions.set(p, (known = new Map<string, string>()));
  const map = known;
  return async (input) => {
    const fromId = byResourceId(input);
    if (fromId) return fromId;
    const clusterId = (input as { clusterId?: unknown } | undefined)?.clusterId;
    if (typeof clusterId !== "string") return undefined;
    const hit = map.get(clusterId);
    if (hit) return hit;
    const subscription = subscriptionOf((await p.store.clusters.get(clusterId))?.doc.resourceId);
    if (subscription) map.set(clusterId, subscription);
    return subscription;
  };
}

/** A registered cluster's subscription (from its resource id; the home one when the id is not an ARM id). */
export function clusterSubscription(p: Platform, cluster: { resourceId: string }): string {
  return subscriptionOf(cluster.resourceId) ?? p.config.subscriptionId;
}
