import { ArmError, type ArmResource, type SimKernel, type SimRequest } from "../kernel";
import { publishWrite, requireResourceGroup } from "./resource-groups";

const RG_SCOPE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{*rest}";
const SUBSCRIPTION_SCOPE = "/subscriptions/{subscriptionId}/providers/{*rest}";

interface GenericPath {
  id: string;
  /** True when the path names a collection (`.../virtualNetworks/vnet/subnets`). */
  isCollection: boolean;
  /**
   * What must exist first: the parent of a child resource (`.../virtualNetworks/vnet` for a
   * subnet), or the resource an extension resource hangs on (`.../vaults/kv` for
   * `.../vaults/kv/providers/Microsoft.Authorization/roleAssignments/x`).
   */
  parentId?: string;
}

/** Reads `[.../providers/]<ns>/<type>/<name>[/<childType>/<childName>...]`, extension resources included. */
function parse(req: SimRequest, p: Record<string, string>): GenericPath {
  const scope = p.resourceGroupName !== undefined
    ? `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}`
    : `/subscriptions/${p.subscriptionId}`;
  const id = `${scope}/providers/${(p.rest ?? "").split("/").filter(Boolean).join("/")}`;
  const segments = id.split("/").filter(Boolean);
  const last = segments.map((x) => x.toLowerCase()).lastIndexOf("providers");
  const tail = segments.slice(last + 1);
  if (tail.length < 2) throw new ArmError(400, "InvalidResourceType", `The resource type could not be determined from '${req.path}'.`);
  const isCollection = (tail.length - 1) % 2 === 1;
  let parentId: string | undefined;
  if (!isCollection && tail.length > 3) {
    parentId = "/" + segments.slice(0, -2).join("/");
  } else if (segments.slice(0, last).some((x) => x.toLowerCase() === "providers")) {
    parentId = "/" + segments.slice(0, last).join("/");
  }
  return { id, isCollection, parentId };
}

/** Read-only fields ARM computes; everything else is stored as sent. */
function stored(kernel: SimKernel, id: string, body: Record<string, unknown>): ArmResource {
  const properties = (typeof body.properties === "object" && body.properties !== null ? body.properties : {}) as Record<string, unknown>;
  const { id: _i, name: _n, type: _t, systemData: _s, etag: _e, ...fields } = body;
  const etag = `W/"${kernel.clock.now().toString(16)}"`;
  return kernel.store.envelope(id, { ...fields, properties: { ...properties, provisioningState: "Succeeded" }, etag });
}

/**
 * Any resource type the simulator does not model (virtual networks, firewalls, gateways,
 * registries, vaults, workspaces...): `PUT` stores the body as sent with `provisioningState:
 * Succeeded` and answers 201 (200 on update) synchronously, which the SDK pollers accept as a
 * finished operation; `GET` of a collection lists its children.
 */
export function registerGenericResources(kernel: SimKernel): void {
  const put = (req: SimRequest, p: Record<string, string>) => {
    const path = parse(req, p);
    if (path.isCollection) throw new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${req.method}'.`);
    if (p.resourceGroupName !== undefined) requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName);
    if (path.parentId && !kernel.store.get(path.parentId)) throw kernel.notFound(path.parentId);
    const body = (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, unknown>;
    const existed = kernel.store.has(path.id);
    const previous = req.method === "PATCH" ? kernel.store.get(path.id) : undefined;
    if (req.method === "PATCH" && !previous) throw kernel.notFound(path.id);
    const merged = previous ? { ...previous, ...body, properties: { ...(previous.properties ?? {}), ...((body.properties as object) ?? {}) } } : body;
    const resource = kernel.store.put(path.id, stored(kernel, path.id, merged));
    publishWrite(kernel, resource.id, resource.id, req);
    return { status: existed ? 200 : 201, body: resource };
  };
  const get = (req: SimRequest, p: Record<string, string>) => {
    const path = parse(req, p);
    if (path.isCollection) {
      if (p.resourceGroupName !== undefined) requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName);
      const parentId = path.id.split("/").slice(0, -1).join("/");
      const depth = path.id.split("/").filter(Boolean).length + 1;
      const items = kernel.store.list({ prefix: parentId })
        .filter((r) => r.id.split("/").filter(Boolean).length === depth && r.id.toLowerCase().startsWith(path.id.toLowerCase() + "/"));
      return kernel.page(req, items);
    }
    const resource = kernel.store.get(path.id);
    if (!resource) throw kernel.notFound(path.id);
    return { status: 200, body: resource };
  };
  const remove = (req: SimRequest, p: Record<string, string>) => {
    const path = parse(req, p);
    // ARM answers 204 for a delete of something that is not there (deletes are idempotent).
    if (!kernel.store.has(path.id)) return { status: 204 };
    kernel.store.deleteTree(path.id);
    return { status: 200 };
  };
  // Resource-group scope, and subscription scope (role assignments, policy assignments...), both
  // as fallbacks behind every modelled route.
  for (const scope of [RG_SCOPE, SUBSCRIPTION_SCOPE]) {
    kernel.router.arm("PUT", scope, put, { operation: "Resources_CreateOrUpdate", kind: "write", fallback: true });
    kernel.router.arm("PATCH", scope, put, { operation: "Resources_Update", kind: "write", fallback: true });
    kernel.router.arm("GET", scope, get, { operation: "Resources_Get", kind: "read", fallback: true });
    kernel.router.arm("DELETE", scope, remove, { operation: "Resources_Delete", kind: "delete", fallback: true });
  }

  // Resource providers are always registered here (`providers.get` / `providers.register`).
  const provider = (_req: SimRequest, p: Record<string, string>) => ({
    status: 200,
    body: { id: `/subscriptions/${p.subscriptionId}/providers/${p.namespace}`, namespace: p.namespace, registrationState: "Registered", registrationPolicy: "RegistrationRequired", resourceTypes: [] }
  });
  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/providers/{namespace}", provider, { operation: "Providers_Get", kind: "read" });
  kernel.router.arm("POST", "/subscriptions/{subscriptionId}/providers/{namespace}/register", provider, { operation: "Providers_Register", kind: "write" });

  // Microsoft.Resources list operations (arm-resources `resources.listByResourceGroup` / `list`).
  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources", (req, p) => {
    requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
    return kernel.page(req, topLevel(kernel.store.list({ prefix: `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers` })));
  }, { operation: "Resources_ListByResourceGroup", kind: "read" });
  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/resources", (req, p) => {
    return kernel.page(req, topLevel(kernel.store.list({ prefix: `/subscriptions/${p.subscriptionId}` })).filter((r) => r.id.toLowerCase().includes("/providers/")));
  }, { operation: "Resources_List", kind: "read" });
}

/** Top-level resources only (`providers/<ns>/<type>/<name>`), as the Resources list APIs return them. */
function topLevel(resources: ArmResource[]): Pick<ArmResource, "id" | "name" | "type" | "location" | "tags">[] {
  return resources
    .filter((r) => {
      const after = /\/providers\/(.+)$/i.exec(r.id)?.[1];
      return after !== undefined && after.split("/").length === 3;
    })
    .map((r) => ({ id: r.id, name: r.name, type: r.type, location: r.location, tags: r.tags }));
}
