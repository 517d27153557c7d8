import type { Clock } from "../../clock";

/** An ARM resource as stored and returned (the envelope every resource type shares). */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
  systemData?: SystemData;
  [extra: string]: unknown;
}

export interface SystemData {
  createdBy: string;
  createdByType: "User" | "Application" | "ManagedIdentity" | "Key";
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "User" | "Application" | "ManagedIdentity" | "Key";
  lastModifiedAt: string;
}

/** ARM compares ids case-insensitively; the store keys by the lower-cased id and keeps the original. */
export function idKey(id: string): string {
  return withoutTrailingSlashes(id).toLowerCase();
}

/** `id` without trailing `/` (ARM tolerates them); the common case, none, costs one character test. */
export function withoutTrailingSlashes(id: string): string {
  let end = id.length;
  while (end > 0 && id.charCodeAt(end - 1) === 47) end--;
  return end === id.length ? id : id.slice(0, end);
}

/**
 * The resource type of an id: `Microsoft.ContainerService/managedClusters/agentPools` for
 * `.../providers/Microsoft.ContainerService/managedClusters/c1/agentPools/p1`.
 */
export function resourceTypeOf(id: string): string {
  // Memoised: `list` filters by type over the whole store on every call, and ids repeat.
  const cached = typeCache.get(id);
  if (cached !== undefined) return cached;
  const type = computeResourceTypeOf(id);
  if (typeCache.size >= 200_000) typeCache.clear();
  typeCache.set(id, type);
  return type;
}

const typeCache = new Map<string, string>();

function computeResourceTypeOf(id: string): string {
  const parts = id.split("/").filter(Boolean);
  const p = parts.map((s) => s.toLowerCase()).lastIndexOf("providers");
  if (p < 0) {
    if (parts.length === 4 && parts[2]?.toLowerCase() === "resourcegroups") return "Microsoft.Resources/resourceGroups";
    if (parts.length === 2) return "Microsoft.Resources/subscriptions";
    return "";
  }
  const ns = parts[p + 1] ?? "";
  const types: string[] = [];
  for (let i = p + 2; i < parts.length; i += 2) types.push(parts[i] ?? "");
  return [ns, ...types].join("/");
}

/** The last segment of an id. */
export function nameOf(id: string): string {
  const parts = id.split("/").filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

export interface ListFilter {
  /** Only ids under this prefix (case-insensitive; a whole-segment prefix). */
  prefix?: string;
  /** Only this resource type (case-insensitive). */
  type?: string;
}

/**
 * The store key of the top-level resource an id is or is under: the id through the first
 * `/providers/{namespace}/{type}/{name}` (a pool, a maintenance configuration and a diagnostic
 * setting of a cluster all share the cluster's). Undefined above resources (subscription, group).
 */
function topOf(key: string): string | undefined {
  const at = key.indexOf("/providers/");
  if (at < 0) return undefined;
  let end = at + "/providers/".length;
  for (let i = 0; i < 3; i++) {
    const next = key.indexOf("/", end);
    if (i < 2 && next < 0) return undefined;
    if (i === 2) return next < 0 ? key : key.slice(0, next);
    end = next + 1;
  }
  return undefined;
}

/**
 * In-memory ARM resources, keyed case-insensitively, JSON-serialisable for persistence. Indexed by
 * type and by top-level resource, so that listing a cluster's pools or every cluster reads those
 * and not the whole store (a metrics query and the fleet sampler do it for every cluster).
 */
export class ResourceStore {
  private readonly items = new Map<string, ArmResource>();
  private readonly byType = new Map<string, Set<string>>();
  private readonly byTop = new Map<string, Set<string>>();
  private readonly touchListeners = new Set<(top: string | undefined) => void>();

  private touch(key: string): void {
    const top = topOf(key) ?? key;
    for (const listener of this.touchListeners) listener(top);
  }

  /**
   * Calls `listener` with the lower-cased id of the top-level resource under which each write or
   * delete happened, and with `undefined` when the store is restored (anything may have changed),
   * so a reader can keep its own set of changed resources instead of scanning the store.
   */
  onTouch(listener: (top: string | undefined) => void): () => void {
    this.touchListeners.add(listener);
    return () => { this.touchListeners.delete(listener); };
  }

  private index(key: string, resource: ArmResource): void {
    const type = resourceTypeOf(resource.id).toLowerCase();
    let typed = this.byType.get(type);
    if (!typed) this.byType.set(type, (typed = new Set()));
    typed.add(key);
    const top = topOf(key);
    if (top === undefined) return;
    let under = this.byTop.get(top);
    if (!under) this.byTop.set(top, (under = new Set()));
    under.add(key);
  }

  private unindex(key: string, resource: ArmResource): void {
    const type = resourceTypeOf(resource.id).toLowerCase();
    this.byType.get(type)?.delete(key);
    const top = topOf(key);
    if (top !== undefined) this.byTop.get(top)?.delete(key);
  }

  constructor(private readonly clock: Clock) {}

  get<T extends ArmResource = ArmResource>(id: string): T | undefined {
    return this.items.get(idKey(id)) as T | undefined;
  }

  has(id: string): boolean {
    return this.items.has(idKey(id));
  }

  /** Stores the resource under `id` (keeping the id's original case from the first write). */
  put<T extends ArmResource>(id: string, resource: T): T {
    const existing = this.items.get(idKey(id));
    const stored = { ...resource, id: existing?.id ?? resource.id ?? id } as T;
    const key = idKey(id);
    this.items.set(key, stored);
    if (!existing) this.index(key, stored);
    this.touch(key);
    return stored;
  }

  delete(id: string): boolean {
    const key = idKey(id);
    const existing = this.items.get(key);
    if (!existing) return false;
    this.unindex(key, existing);
    this.touch(key);
    return this.items.delete(key);
  }

  /** Deletes the resource and everything under it (a resource group takes its resources with it). */
  deleteTree(id: string): number {
    const key = idKey(id);
    let n = 0;
    for (const [k, v] of [...this.items]) {
      if (k === key || k.startsWith(key + "/")) {
        this.unindex(k, v);
        this.touch(k);
        this.items.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Resources in insertion order, filtered. */
  list<T extends ArmResource = ArmResource>(filter: ListFilter = {}): T[] {
    const prefix = filter.prefix ? idKey(filter.prefix) + "/" : undefined;
    const type = filter.type?.toLowerCase();
    const out: T[] = [];
    // Candidates in insertion order: an index's set is filled as `items` is, and an update keeps
    // its place in both, so filtering a set returns what filtering the whole store would.
    const top = prefix ? topOf(prefix.slice(0, -1)) : undefined;
    const keys: Iterable<string> = top !== undefined ? (this.byTop.get(top) ?? []) : type ? (this.byType.get(type) ?? []) : this.items.keys();
    for (const k of keys) {
      const v = this.items.get(k);
      if (!v) continue;
      if (prefix && !k.startsWith(prefix)) continue;
      if (type && resourceTypeOf(v.id).toLowerCase() !== type) continue;
      out.push(v as T);
    }
    return out;
  }

  /**
   * Builds the envelope for a created or updated resource: id/name/type from the id, systemData
   * created once and modified on every write.
   */
  envelope(id: string, fields: Omit<Partial<ArmResource>, "id" | "name" | "type" | "systemData">, actor = "simulator@aksops.local"): ArmResource {
    const existing = this.get(id);
    const now = new Date(this.clock.now()).toISOString();
    const systemData: SystemData = {
      createdBy: existing?.systemData?.createdBy ?? actor,
      createdByType: existing?.systemData?.createdByType ?? "User",
      createdAt: existing?.systemData?.createdAt ?? now,
      lastModifiedBy: actor,
      lastModifiedByType: "User",
      lastModifiedAt: now
    };
    return { ...fields, id: existing?.id ?? id, name: nameOf(id), type: resourceTypeOf(id), systemData };
  }

  snapshot(): ArmResource[] {
    return [...this.items.values()];
  }

  restore(resources: ArmResource[]): void {
    this.items.clear();
    this.byType.clear();
    this.byTop.clear();
    for (const r of resources) {
      const key = idKey(r.id);
      if (!this.items.has(key)) this.index(key, r);
      this.items.set(key, r);
    }
    for (const listener of this.touchListeners) listener(undefined);
  }
}
