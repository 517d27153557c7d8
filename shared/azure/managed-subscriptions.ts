import type { ManagementGroupsAPI } from "@azure/arm-managementgroups";
import type { ManagedSubscriptionsSetting } from "../config/subscriptions";
import type { NowSource } from "../store";

/** The managed set, as the app reads it (issue 31). */
export interface ManagedSubscriptions {
  /** Every managed subscription id, lower case, home first when it is managed. */
  list(): Promise<readonly string[]>;
  /** Where the set comes from, for messages: `AZURE_SUBSCRIPTION_IDS` or `management group <id>`. */
  readonly source: string;
}

/**
 * How long a management group's descendants are kept before they are read again. Moving a
 * subscription under the group shows within this time; a refused adoption can simply be retried.
 */
export const DESCENDANTS_TTL_MS = 5 * 60_000;

/**
 * The type ARM gives a subscription among a management group's descendants: `/subscriptions`
 * (azure-rest-api-specs, specification/managementgroups/resource-manager/Microsoft.Management/stable/
 * 2021-04-01/management.json, `DescendantInfo.type`: "The type of the resource. For example,
 * Microsoft.Management/managementGroups or /subscriptions"; the same text in @azure/arm-managementgroups 2.0.2).
 */
export const SUBSCRIPTION_DESCENDANT_TYPE = "/subscriptions";

/**
 * A list setting answers at once. A management group is read with `managementGroups.getDescendants`
 * (`GET /providers/Microsoft.Management/managementGroups/{groupId}/descendants`, paged, nested groups
 * included: "List all entities that descend from a management group"), keeping the subscriptions;
 * the result is kept `DESCENDANTS_TTL_MS`, and a failed re-read keeps the last good set (a read that
 * never succeeded throws: nothing is managed until ARM says what is).
 */
export function createManagedSubscriptions(setting: ManagedSubscriptionsSetting, home: string, groups: () => ManagementGroupsAPI, clock: NowSource): ManagedSubscriptions {
  if (setting.kind === "list") {
    const ids = setting.subscriptionIds.map((s) => s.toLowerCase());
    return { list: () => Promise.resolve(ids), source: ids.length === 1 ? "AZURE_SUBSCRIPTION_ID" : "AZURE_SUBSCRIPTION_IDS" };
  }
  const groupId = setting.managementGroupId;
  let kept: { ids: string[]; at: number } | undefined;
  let reading: Promise<string[]> | undefined;
  const read = async (): Promise<string[]> => {
    const ids: string[] = [];
    for await (const d of groups().managementGroups.listDescendants(groupId)) {
      if ((d.type ?? "").toLowerCase() === SUBSCRIPTION_DESCENDANT_TYPE && d.name) ids.push(d.name.toLowerCase());
    }
    const sorted = [...new Set(ids)].sort((a, b) => (a === home.toLowerCase() ? -1 : b === home.toLowerCase() ? 1 : a.localeCompare(b)));
    kept = { ids: sorted, at: clock.now() };
    return sorted;
  };
  return {
    source: `management group ${groupId}`,
    list: async () => {
      if (kept && clock.now() - kept.at < DESCENDANTS_TTL_MS) return kept.ids;
      reading ??= read().finally(() => { reading = undefined; });
      try {
        return await reading;
      } catch (err) {
        if (kept) return kept.ids;
        throw err;
      }
    }
  };
}
