import type { HttpResponseInit } from "@azure/functions";
import { isSubscriptionId, unmanagedSubscriptionProblem } from "../../shared/domain/subscriptions";
import { failureOf } from "../../shared/domain/failures";
import { json, problem, type FieldIssue } from "./http";
import type { Platform } from "../runtime/platform";

/**
 * Issue 31: adoption and provisioning take a cluster in any subscription the platform manages and
 * refuse others. `undefined`: managed. Otherwise the answer: 400 naming the field, the subscription
 * and the managed set (`error.fields` as every other 400, `managedSubscriptions` beside it), or 503
 * with Retry-After when the managed set is a management group ARM cannot be read for now.
 */
export async function refuseUnmanagedSubscription(p: Platform, field: string, subscriptionId: string): Promise<HttpResponseInit | undefined> {
  const checked = await unmanagedSubscriptionIssues(p, field, subscriptionId);
  if ("response" in checked) return checked.response;
  if (checked.issues.length === 0) return undefined;
  return json(400, {
    error: { code: "SubscriptionNotManaged", message: checked.issues.map((i) => `${i.field} ${i.message}`).join("; "), fields: checked.issues },
    managedSubscriptions: checked.managed
  });
}

/** The same check as field issues, for a handler that names them with its other ones. */
export async function unmanagedSubscriptionIssues(p: Platform, field: string, subscriptionId: string): Promise<{ issues: FieldIssue[]; managed: readonly string[] } | { response: HttpResponseInit }> {
  let managed: readonly string[];
  try {
    managed = await p.managedSubscriptions.list();
  } catch (err) {
    const failure = failureOf(err);
    return {
      response: {
        ...problem(503, "ManagedSubscriptionsUnavailable", `The managed subscriptions (${p.managedSubscriptions.source}) could not be read from ARM: ${failure.code}: ${failure.message}`),
        headers: { "retry-after": String(Math.ceil((failure.retryAfterMs ?? 5_000) / 1000)) }
      }
    };
  }
  const refused = unmanagedSubscriptionProblem(field, subscriptionId, managed, p.managedSubscriptions.source);
  return { issues: refused ? [{ field, message: refused.message }] : [], managed };
}

/**
 * The subscription a provisioning request goes to: its `subscriptionId`, else the home one; a
 * subscription outside the managed set is one more issue (named with the request's others).
 */
export async function provisioningSubscription(p: Platform, body: unknown, issues: FieldIssue[]): Promise<{ subscriptionId: string } | { response: HttpResponseInit }> {
  const given = (body as { subscriptionId?: unknown } | undefined)?.subscriptionId;
  // A malformed one is already named by the request's validation.
  if (!isSubscriptionId(given)) {
    return { subscriptionId: p.config.subscriptionId.toLowerCase() };
  }
  const subscriptionId = given.toLowerCase();
  const checked = await unmanagedSubscriptionIssues(p, "subscriptionId", subscriptionId);
  if ("response" in checked) return checked;
  issues.push(...checked.issues);
  return { subscriptionId };
}
