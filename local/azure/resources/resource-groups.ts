import { ArmError, type ArmResource, type SimKernel, type SimRequest } from "../kernel";

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

/** ARM's wording for a missing group (code `ResourceGroupNotFound`). */
export function resourceGroupNotFound(name: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
}

/** Throws `ResourceGroupNotFound` unless the group of `resourceId` exists. */
export function requireResourceGroup(kernel: SimKernel, subscriptionId: string, resourceGroupName: string): ArmResource {
  const rg = kernel.store.get(resourceGroupId(subscriptionId, resourceGroupName));
  if (!rg) throw resourceGroupNotFound(resourceGroupName);
  return rg;
}

/** `Microsoft.Resources/resourceGroups`: PUT (200/201), GET, HEAD, DELETE (202 + Location, LRO), list. */
export function registerResourceGroups(kernel: SimKernel): void {
  // A registered completion (not a closure) so a delete in flight survives a simulator restart.
  kernel.lro.handle("ResourceGroups_Delete", (op) => { kernel.store.deleteTree(op.resourceId); });
  kernel.router.arm("PUT", RG, (req, p) => {
    const id = resourceGroupId(p.subscriptionId ?? "", p.resourceGroupName ?? "");
    const body = (req.body ?? {}) as { location?: string; tags?: Record<string, string>; managedBy?: string };
    if (typeof body.location !== "string" || !body.location) {
      throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
    }
    const existing = kernel.store.get(id);
    if (existing && existing.location && normalizeLocation(existing.location) !== normalizeLocation(body.location)) {
      throw new ArmError(409, "InvalidResourceGroupLocation",
        `Invalid resource group location '${body.location}'. The Resource group already exists in location '${existing.location}'.`);
    }
    const stored = kernel.store.put(id, {
      ...kernel.store.envelope(id, { location: body.location, tags: body.tags, ...(body.managedBy ? { managedBy: body.managedBy } : {}), properties: { provisioningState: "Succeeded" } }),
      type: "Microsoft.Resources/resourceGroups"
    });
    publishWrite(kernel, id, id);
    return { status: existing ? 200 : 201, body: withoutSystemData(stored) };
  }, { operation: "ResourceGroups_CreateOrUpdate", kind: "write" });

  kernel.router.arm("GET", RG, (_req, p) => {
    const rg = kernel.store.get(resourceGroupId(p.subscriptionId ?? "", p.resourceGroupName ?? ""));
    if (!rg) throw resourceGroupNotFound(p.resourceGroupName ?? "");
    return { status: 200, body: withoutSystemData(rg) };
  }, { operation: "ResourceGroups_Get", kind: "read" });

  kernel.router.arm("HEAD", RG, (_req, p) => {
    const rg = kernel.store.get(resourceGroupId(p.subscriptionId ?? "", p.resourceGroupName ?? ""));
    return { status: rg ? 204 : 404 };
  }, { operation: "ResourceGroups_CheckExistence", kind: "read" });

  kernel.router.arm("DELETE", RG, (req, p) => {
    const id = resourceGroupId(p.subscriptionId ?? "", p.resourceGroupName ?? "");
    if (!kernel.store.get(id)) return { status: 404, body: resourceGroupNotFound(p.resourceGroupName ?? "").toBody() };
    const active = kernel.lro.active(id).filter((o) => o.operation !== "ResourceGroups_Delete");
    for (const op of active) kernel.lro.cancel(op.name, "The resource group is being deleted.");
    // Deleting a group removes its resources; ARM answers 202 with a Location to poll.
    const { headers } = kernel.lro.begin({
      resourceId: id, operation: "ResourceGroups_Delete", durationMs: kernel.scaled(30_000), location: kernel.config.location,
      namespace: "Microsoft.Resources", apiVersion: req.query.get("api-version") ?? ""
    });
    kernel.store.put(id, { ...kernel.store.get(id)!, properties: { provisioningState: "Deleting" } });
    return { status: 202, headers: { Location: headers.Location ?? "" } };
  }, { operation: "ResourceGroups_Delete", kind: "delete" });

  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/resourcegroups", (req, p) => {
    const groups = kernel.store.list({ prefix: `/subscriptions/${p.subscriptionId}`, type: "Microsoft.Resources/resourceGroups" });
    return kernel.page(req, groups.map(withoutSystemData));
  }, { operation: "ResourceGroups_List", kind: "read" });
}

/** Resource groups carry no systemData in ARM's responses. */
function withoutSystemData(r: ArmResource): ArmResource {
  const { systemData: _s, ...rest } = r;
  return rest;
}

function normalizeLocation(l: string): string {
  return l.replace(/\s+/g, "").toLowerCase();
}

/**
 * `Microsoft.Resources.ResourceWriteSuccess` to the resource group's topic
 * (https://learn.microsoft.com/azure/event-grid/event-schema-resource-groups): subject is the
 * resource id; data carries the resourceProvider, resourceUri, operationName and status.
 */
export function publishWrite(kernel: SimKernel, resourceId: string, resourceGroupOrSubscriptionTopic: string, req?: SimRequest): void {
  const provider = /\/providers\/([^/]+)/i.exec(resourceId)?.[1] ?? "Microsoft.Resources";
  const type = /\/providers\/[^/]+\/(.+)$/i.exec(resourceId)?.[1]?.split("/").filter((_, i) => i % 2 === 0).join("/") ?? "resourceGroups";
  const topic = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(resourceGroupOrSubscriptionTopic)?.[0]
    ?? /^\/subscriptions\/[^/]+/i.exec(resourceGroupOrSubscriptionTopic)?.[0] ?? resourceGroupOrSubscriptionTopic;
  const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? "";
  kernel.events.publish(topic, [{
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    subject: resourceId,
    dataVersion: "",
    data: {
      authorization: { scope: resourceId, action: `${provider}/${type}/write`, evidence: { role: "Contributor" } },
      claims: {},
      correlationId: String(req?.headers["x-ms-client-request-id"] ?? ""),
      httpRequest: { clientRequestId: String(req?.headers["x-ms-client-request-id"] ?? ""), clientIpAddress: "127.0.0.1", method: req?.method ?? "PUT", url: `${kernel.baseUrl}${resourceId}` },
      resourceProvider: provider,
      resourceUri: resourceId,
      operationName: `${provider}/${type}/write`,
      status: "Succeeded",
      subscriptionId,
      tenantId: "00000000-0000-0000-0000-000000000000"
    }
  }]);
}
