import type { SettingReader } from "./setting-reader";

/**
 * The subscriptions the platform manages, as the settings give them:
 *   AZURE_SUBSCRIPTION_ID        the one-subscription form (and, with one of the two below, the
 *                                platform's home subscription: where provisioning goes when a request
 *                                names none, and where the platform's own resources live).
 *   AZURE_SUBSCRIPTION_IDS       a comma-separated list of subscription GUIDs (blanks around commas
 *                                ignored); every entry that is not a GUID, and every duplicate, is named.
 *   AZURE_MANAGEMENT_GROUP_ID    a management group whose descendant subscriptions are managed (read
 *                                from ARM at run time: shared/azure/managed-subscriptions.ts). Not
 *                                together with AZURE_SUBSCRIPTION_IDS; needs AZURE_SUBSCRIPTION_ID.
 */
export type ManagedSubscriptionsSetting =
  | { readonly kind: "list"; readonly subscriptionIds: readonly string[] }
  | { readonly kind: "managementGroup"; readonly managementGroupId: string };

export const SubscriptionSettingNames = {
  subscriptionId: "AZURE_SUBSCRIPTION_ID",
  subscriptionIds: "AZURE_SUBSCRIPTION_IDS",
  managementGroupId: "AZURE_MANAGEMENT_GROUP_ID"
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Management group ids: up to 90 letters, digits, `-`, `_`, `(`, `)` and `.`, not ending in `.`
 * (https://learn.microsoft.com/azure/governance/management-groups/create-management-group-portal:
 * "The management group ID ... can contain up to 90 characters ... alphanumeric characters, hyphens,
 * underscores, periods, and parentheses"; the REST spec's `groupId` is a path segment of
 * /providers/Microsoft.Management/managementGroups/{groupId}).
 */
const MANAGEMENT_GROUP_ID = /^[A-Za-z0-9_\-().]{1,90}$/;

export interface SubscriptionSettings {
  /** The home subscription (lower case). */
  readonly subscriptionId: string;
  readonly managed: ManagedSubscriptionsSetting;
}

/** Reads the three settings; problems go to the reader (every invalid entry named). */
export function readSubscriptionSettings(s: SettingReader): SubscriptionSettings | undefined {
  const N = SubscriptionSettingNames;
  const listRaw = s.raw(N.subscriptionIds);
  const groupRaw = s.raw(N.managementGroupId);
  const single = s.raw(N.subscriptionId);
  let home: string | undefined;
  if (single !== undefined) home = s.guid(N.subscriptionId);

  if (listRaw !== undefined && groupRaw !== undefined) {
    s.fail(N.managementGroupId, `must not be set together with ${N.subscriptionIds} (one source of managed subscriptions)`);
    return undefined;
  }
  if (groupRaw !== undefined) {
    if (!MANAGEMENT_GROUP_ID.test(groupRaw) || groupRaw.endsWith(".")) {
      s.fail(N.managementGroupId, "must be a management group id (up to 90 letters, digits, -, _, (, ) and ., not ending in .)");
      return undefined;
    }
    if (single === undefined) {
      s.fail(N.subscriptionId, `is required with ${N.managementGroupId}: the platform's home subscription (provisioning's default)`);
      return undefined;
    }
    return home ? { subscriptionId: home, managed: { kind: "managementGroup", managementGroupId: groupRaw } } : undefined;
  }
  if (listRaw !== undefined) {
    const entries = listRaw.split(",").map((e) => e.trim());
    const invalid = entries.filter((e) => !GUID.test(e));
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const e of entries.filter((x) => GUID.test(x)).map((x) => x.toLowerCase())) {
      if (seen.has(e)) duplicates.push(e);
      seen.add(e);
    }
    if (invalid.length > 0) {
      s.fail(N.subscriptionIds, `must be comma-separated subscription GUIDs; not GUIDs: ${invalid.map((e) => `'${e}'`).join(", ")}`);
    }
    if (duplicates.length > 0) s.fail(N.subscriptionIds, `lists a subscription more than once: ${duplicates.join(", ")}`);
    if (invalid.length > 0 || duplicates.length > 0) return undefined;
    const ids = [...seen];
    if (home !== undefined && !seen.has(home)) {
      s.fail(N.subscriptionId, `must be one of ${N.subscriptionIds} (${ids.join(", ")}), not ${home}`);
      return undefined;
    }
    if (single !== undefined && home === undefined) return undefined;
    return { subscriptionId: home ?? ids[0]!, managed: { kind: "list", subscriptionIds: ids } };
  }
  if (single === undefined) {
    s.fail(N.subscriptionId, `is required but not set (or set ${N.subscriptionIds}, or ${N.managementGroupId} with it)`);
    return undefined;
  }
  return home ? { subscriptionId: home, managed: { kind: "list", subscriptionIds: [home] } } : undefined;
}
