/**
 * The one strict parser of the ARM resource ids the platform accepts from outside (adoption's
 * `resourceId`, registration, Event Grid topics): `/subscriptions/{guid}/resourceGroups/{rg}/providers/
 * {namespace}/{type}/{name}[/{type}/{name}…]`, with no empty, `.` or `..` segment, no percent-escapes,
 * and names within ARM's rules. Anything else is not an id (undefined), never a path to normalise.
 */
export interface ArmResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. `Microsoft.ContainerService` as written in the id. */
  namespace: string;
  /** Type/name pairs from the top-level resource down, e.g. `[{ type: "managedClusters", name: "aks-dev" }]`. */
  resources: { type: string; name: string }[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ARM: 1–90 of letters, digits, `_ - . ( )`, not ending in `.`. */
const RESOURCE_GROUP = /^[\p{L}\p{N}_\-.()]{1,90}$/u;
const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;
const TYPE = /^[A-Za-z][A-Za-z0-9]*$/;
/** Generic resource names: no control characters and none of `< > % & : \ ? / #`. */
const NAME = /^[^\p{Cc}<>%&:\\?/#*]{1,260}$/u;

function plainSegment(segment: string): boolean {
  return segment !== "" && segment !== "." && segment !== ".." && segment.trim() === segment;
}

export function parseArmResourceId(resourceId: unknown): ArmResourceId | undefined {
  if (typeof resourceId !== "string" || resourceId.length > 1024 || !resourceId.startsWith("/")) return undefined;
  const segments = resourceId.slice(1).split("/");
  if (!segments.every(plainSegment)) return undefined;
  const [subscriptions, subscriptionId, resourceGroups, resourceGroup, providers, namespace, ...rest] = segments;
  if (subscriptions?.toLowerCase() !== "subscriptions" || !subscriptionId || !GUID.test(subscriptionId)) return undefined;
  if (resourceGroups?.toLowerCase() !== "resourcegroups" || !resourceGroup || !RESOURCE_GROUP.test(resourceGroup) || resourceGroup.endsWith(".")) return undefined;
  if (providers?.toLowerCase() !== "providers" || !namespace || !NAMESPACE.test(namespace)) return undefined;
  if (rest.length === 0 || rest.length % 2 !== 0) return undefined;
  const resources: { type: string; name: string }[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const type = rest[i]!;
    const name = rest[i + 1]!;
    if (!TYPE.test(type) || !NAME.test(name)) return undefined;
    resources.push({ type, name });
  }
  return { subscriptionId, resourceGroup, namespace, resources };
}

/** AKS cluster names: 1–63 letters, digits, `_` and `-`, starting and ending with a letter or digit. */
const CLUSTER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;

export function isClusterName(value: unknown): value is string {
  return typeof value === "string" && CLUSTER_NAME.test(value);
}

export interface ManagedClusterId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** A `Microsoft.ContainerService/managedClusters` id (case-insensitive as ARM is), or undefined. */
export function parseManagedClusterId(resourceId: unknown): ManagedClusterId | undefined {
  const id = parseArmResourceId(resourceId);
  if (!id || id.namespace.toLowerCase() !== "microsoft.containerservice" || id.resources.length !== 1) return undefined;
  const [cluster] = id.resources;
  if (cluster!.type.toLowerCase() !== "managedclusters" || !CLUSTER_NAME.test(cluster!.name)) return undefined;
  return { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup, name: cluster!.name };
}
