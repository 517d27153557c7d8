/**
 * Which subscriptions the platform manages, as pure rules (issue 31). Subscription ids are GUIDs and
 * ARM treats them case-insensitively (a resource id's `/subscriptions/{id}` matches in any case), so
 * every comparison here lower-cases both sides.
 */
import { parseArmResourceId } from "./armResourceId";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A subscription id: a GUID, in any case. */
export function isSubscriptionId(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

/** The subscription of an ARM resource id (lower case), or undefined when it is not one. */
export function subscriptionOf(resourceId: unknown): string | undefined {
  return parseArmResourceId(resourceId)?.subscriptionId.toLowerCase();
}

export function sameSubscription(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function isManagedSubscription(subscriptionId: string, managed: readonly string[]): boolean {
  return managed.some((m) => sameSubscription(m, subscriptionId));
}

/** A refusal of a cluster outside the managed set: the field, the subscription and the set, for a 400. */
export interface UnmanagedSubscription {
  field: string;
  subscriptionId: string;
  managed: readonly string[];
  message: string;
}

/**
 * `undefined` when `subscriptionId` is one the platform manages; otherwise the problem to answer
 * with 400, naming the subscription and the managed set (and where that set comes from).
 */
export function unmanagedSubscriptionProblem(field: string, subscriptionId: string, managed: readonly string[], source: string): UnmanagedSubscription | undefined {
  if (isManagedSubscription(subscriptionId, managed)) return undefined;
  const set = managed.length > 0 ? managed.join(", ") : "none";
  return {
    field, subscriptionId, managed,
    message: `subscription ${subscriptionId} is not managed by this platform (managed: ${set}; from ${source})`
  };
}

/**
 * Groups items by subscription (lower case), in first-seen order: the sweep and the rollout work
 * each subscription's share within that subscription's ARM buckets.
 */
export function bySubscription<T>(items: readonly T[], subscriptionOfItem: (item: T) => string | undefined, fallback: string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = (subscriptionOfItem(item) ?? fallback).toLowerCase();
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
