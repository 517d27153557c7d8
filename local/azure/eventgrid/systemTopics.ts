import { randomUUID } from "node:crypto";
import { ArmError, resourceTypeOf, withoutTrailingSlashes, type ArmResource, type SimKernel, type SimRequest } from "../kernel";

/**
 * `Microsoft.EventGrid/systemTopics`: the topic Azure services publish their events to. Shapes from
 * the 2022-06-15 spec examples (SystemTopics_Get.json): `properties { source, topicType,
 * provisioningState, metricResourceId }`. PUT answers synchronously (201 created / 200 updated)
 * with `provisioningState: Succeeded`, which the SDK's LRO poller accepts as final.
 */

export const SYSTEM_TOPIC_TYPE = "Microsoft.EventGrid/systemTopics";
const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
export const TOPIC_TEMPLATE = `${RG}/providers/Microsoft.EventGrid/systemTopics/{systemTopicName}`;

/** Source resource type → the `topicType` Event Grid gives its system topic. */
const TOPIC_TYPES: Record<string, string> = {
  "microsoft.containerservice/managedclusters": "Microsoft.ContainerService.ManagedClusters",
  "microsoft.resources/resourcegroups": "Microsoft.Resources.ResourceGroups",
  "microsoft.resources/subscriptions": "Microsoft.Resources.Subscriptions"
};

export function topicTypeForSource(source: string): string | undefined {
  return TOPIC_TYPES[resourceTypeOf(source).toLowerCase()];
}

export function topicId(subscriptionId: string, resourceGroupName: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.EventGrid/systemTopics/${name}`;
}

/** System topics whose source is `sourceId` (compared case-insensitively, as ARM ids are). */
export function topicsForSource(kernel: SimKernel, sourceId: string): ArmResource[] {
  const source = withoutTrailingSlashes(sourceId).toLowerCase();
  return kernel.store.list({ type: SYSTEM_TOPIC_TYPE })
    .filter((t) => withoutTrailingSlashes(asString(t.properties?.["source"])).toLowerCase() === source);
}

export function registerSystemTopics(kernel: SimKernel, onDelete: (topicId: string) => void): void {
  kernel.router.arm("PUT", TOPIC_TEMPLATE, (req, p) => putTopic(kernel, req, topicId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.systemTopicName ?? "")),
    { operation: "SystemTopics_CreateOrUpdate", kind: "write" });

  kernel.router.arm("GET", TOPIC_TEMPLATE, (_req, p) => {
    const id = topicId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.systemTopicName ?? "");
    const topic = kernel.store.get(id);
    if (!topic) throw kernel.notFound(id);
    return { status: 200, body: topic };
  }, { operation: "SystemTopics_Get", kind: "read" });

  kernel.router.arm("DELETE", TOPIC_TEMPLATE, (_req, p) => {
    const id = topicId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.systemTopicName ?? "");
    if (!kernel.store.has(id)) return { status: 204 };
    onDelete(id);
    kernel.store.deleteTree(id);
    return { status: 200 };
  }, { operation: "SystemTopics_Delete", kind: "delete" });

  kernel.router.arm("GET", `${RG}/providers/Microsoft.EventGrid/systemTopics`, (req, p) =>
    kernel.page(req, kernel.store.list({ prefix: `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}`, type: SYSTEM_TOPIC_TYPE })),
  { operation: "SystemTopics_ListByResourceGroup", kind: "read" });

  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.EventGrid/systemTopics", (req, p) =>
    kernel.page(req, kernel.store.list({ prefix: `/subscriptions/${p.subscriptionId}`, type: SYSTEM_TOPIC_TYPE })),
  { operation: "SystemTopics_ListBySubscription", kind: "read" });
}

function putTopic(kernel: SimKernel, req: SimRequest, id: string): { status: number; body: ArmResource } {
  const body = (req.body ?? {}) as { location?: unknown; tags?: unknown; identity?: unknown; properties?: { source?: unknown; topicType?: unknown } };
  const source = body.properties?.source;
  const topicType = body.properties?.topicType;
  if (typeof source !== "string" || source === "") throw new ArmError(400, "InvalidRequest", "properties.source is required: the ARM id of the resource whose events the system topic carries.");
  if (typeof topicType !== "string" || topicType === "") throw new ArmError(400, "InvalidRequest", "properties.topicType is required, e.g. Microsoft.ContainerService.ManagedClusters.");
  const expected = topicTypeForSource(source);
  if (!expected) throw new ArmError(400, "InvalidRequest", `The simulator offers system topics for managed clusters, resource groups and subscriptions; '${source}' is none of these.`);
  if (expected.toLowerCase() !== topicType.toLowerCase()) {
    throw new ArmError(400, "InvalidRequest", `Topic type '${topicType}' does not match the source '${source}', whose topic type is '${expected}'.`);
  }
  const sourceExists = resourceTypeOf(source) === "Microsoft.Resources/subscriptions" || kernel.store.has(source);
  if (!sourceExists) throw new ArmError(400, "InvalidRequest", `The source resource '${source}' does not exist.`);
  const existing = kernel.store.get(id);
  if (existing && asString(existing.properties?.["source"]).toLowerCase() !== source.toLowerCase()) {
    throw new ArmError(400, "InvalidRequest", "Property 'source' cannot be changed on an existing system topic.");
  }
  // Event Grid allows one system topic per source.
  const other = topicsForSource(kernel, source).find((t) => t.id.toLowerCase() !== id.toLowerCase());
  if (other) throw new ArmError(400, "InvalidRequest", `Only one system topic is allowed per source. The source '${source}' already has system topic '${other.id}'.`);
  const location = typeof body.location === "string" ? body.location : kernel.config.location;
  const resource = kernel.store.put(id, kernel.store.envelope(id, {
    location,
    tags: (body.tags ?? undefined),
    ...(body.identity ? { identity: body.identity } : {}),
    properties: {
      source,
      topicType: expected,
      metricResourceId: asString(existing?.properties?.["metricResourceId"]) || randomUUID(),
      provisioningState: "Succeeded"
    }
  }));
  return { status: existing ? 200 : 201, body: resource };
}

function asString(v: unknown): string {
  return typeof v === "string" ? v : "";
}
