import { ArmError, type SimKernel } from "../kernel";

/**
 * Management groups, as far as the platform reads them (issue 31): a tree of groups holding
 * subscriptions, and `GET /providers/Microsoft.Management/managementGroups/{groupId}/descendants`
 * (ManagementGroups_GetDescendants, azure-rest-api-specs specification/managementgroups/
 * resource-manager/Microsoft.Management/stable/2021-04-01/management.json: "List all entities that
 * descend from a management group", paged with `nextLink`, each entity
 * `{ id, type, name, properties: { displayName, parent: { id } } }` where a subscription's type is
 * `/subscriptions` and a group's `Microsoft.Management/managementGroups`). Groups are tenant-level:
 * the request names no subscription, so it spends the tenant's ARM bucket, not a subscription's.
 */
export const MANAGEMENT_GROUPS_SERVICE = "managementGroups";
/** The api-versions @azure/arm-managementgroups 2.0.2 (2021-04-01) and the newer TypeSpec clients send. */
export const MANAGEMENT_API_VERSIONS = ["2020-05-01", "2021-04-01", "2023-04-01"] as const;

interface Group {
  displayName: string;
  parent?: string;
  subscriptions: string[];
}

export interface ManagementGroups {
  /** Creates or replaces a group (its subscriptions moved out of any other group, as a subscription has one parent). */
  put(groupId: string, group: { displayName?: string; parent?: string; subscriptions?: string[] }): void;
  /** Every subscription under the group, nested groups included (lower case). */
  subscriptionsUnder(groupId: string): string[];
}

const groupPath = (id: string): string => `/providers/Microsoft.Management/managementGroups/${id}`;

export function registerManagementGroups(kernel: SimKernel): ManagementGroups {
  const groups = new Map<string, Group>();
  const key = (id: string): string => id.toLowerCase();
  const children = (id: string): [string, Group][] => [...groups.entries()].filter(([, g]) => g.parent !== undefined && key(g.parent) === key(id));

  const service: ManagementGroups = {
    put(groupId, group) {
      const subscriptions = (group.subscriptions ?? []).map((s) => s.toLowerCase());
      for (const g of groups.values()) g.subscriptions = g.subscriptions.filter((s) => !subscriptions.includes(s));
      groups.set(key(groupId), { displayName: group.displayName ?? groupId, ...(group.parent ? { parent: group.parent } : {}), subscriptions });
    },
    subscriptionsUnder(groupId) {
      const out: string[] = [];
      const walk = (id: string): void => {
        const g = groups.get(key(id));
        if (!g) return;
        out.push(...g.subscriptions);
        for (const [child] of children(id)) walk(child);
      };
      walk(groupId);
      return out;
    }
  };
  kernel.provide(MANAGEMENT_GROUPS_SERVICE, service);
  kernel.registerState(MANAGEMENT_GROUPS_SERVICE, {
    save: () => Object.fromEntries(groups),
    load: (data) => {
      groups.clear();
      for (const [id, g] of Object.entries(data as Record<string, Group>)) groups.set(id, g);
    }
  });
  kernel.apiVersions.register("Microsoft.Management", MANAGEMENT_API_VERSIONS);

  kernel.router.arm("GET", "/providers/Microsoft.Management/managementGroups/{groupId}/descendants", (req, p) => {
    const groupId = p.groupId ?? "";
    if (!groups.has(key(groupId))) {
      // ARM answers an unknown group as one the caller may not read (azure-rest-api-specs#9549:
      // "Get on non-existent Management Group ID returns 403 instead of 404").
      throw new ArmError(403, "AuthorizationFailed",
        `The client does not have authorization to perform action 'Microsoft.Management/managementGroups/descendants/read' over scope '${groupPath(groupId)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const entities: Record<string, unknown>[] = [];
    const walk = (id: string): void => {
      const g = groups.get(key(id))!;
      for (const s of g.subscriptions) {
        entities.push({ id: `/subscriptions/${s}`, type: "/subscriptions", name: s, properties: { displayName: s, parent: { id: groupPath(id) } } });
      }
      for (const [childKey, child] of children(id)) {
        entities.push({ id: groupPath(childKey), type: "Microsoft.Management/managementGroups", name: childKey, properties: { displayName: child.displayName, parent: { id: groupPath(id) } } });
        walk(childKey);
      }
    };
    walk(groupId);
    return kernel.page(req, entities);
  }, { operation: "ManagementGroups_GetDescendants", kind: "read" });

  // Test and demo control: `PUT /_sim/managementGroups/{groupId}` `{ displayName?, parent?, subscriptions: [...] }`.
  kernel.router.control("PUT", "/_sim/managementGroups/{groupId}", (req, p) => {
    const body = (req.body ?? {}) as { displayName?: unknown; parent?: unknown; subscriptions?: unknown };
    const subscriptions = Array.isArray(body.subscriptions) ? body.subscriptions.filter((s): s is string => typeof s === "string") : [];
    service.put(p.groupId ?? "", {
      subscriptions, ...(typeof body.displayName === "string" ? { displayName: body.displayName } : {}), ...(typeof body.parent === "string" ? { parent: body.parent } : {})
    });
    return { status: 200, body: { groupId: p.groupId, subscriptions: service.subscriptionsUnder(p.groupId ?? "") } };
  });
  return service;
}
