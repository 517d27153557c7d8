/**
 * The provisioning plan: each desired resource against what ARM holds — create, update (with the
 * property-level difference) or no change — and the waves they run in (a resource runs after
 * every resource it depends on that changes; independent branches share a wave). Pure.
 */
import type { DesiredResource, ValueRef } from "./profile";
import { isRecord } from "../json";

type Json = Record<string, unknown>;

export type Change = "create" | "update" | "noChange";

export interface PropertyDifference { path: string; desired: unknown; observed: unknown }

export interface PlannedResource {
  key: string;
  title: string;
  id: string;
  type: string;
  change: Change;
  differences: PropertyDifference[];
  /** 0-based wave among the changing resources (absent for no change). */
  wave?: number;
  source: string;
}

export function getPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split(".")) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isRecord(cur)) cur = cur[part] ?? cur[Object.keys(cur).find((k) => k.toLowerCase() === part.toLowerCase()) ?? part];
    else return undefined;
  }
  return cur;
}

/** `properties.provisioningState`, when ARM reports one. */
export function provisioningStateOf(resource: unknown): string | undefined {
  const v = getPath(resource, "properties.provisioningState");
  return typeof v === "string" ? v : undefined;
}

/** A copy of `value` with `path` set (intermediate objects and arrays must exist). */
export function setPath<T>(value: T, path: string, v: unknown): T {
  const copy = structuredClone(value) as unknown;
  const parts = path.split(".");
  let cur = copy;
  for (const part of parts.slice(0, -1)) cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Json)[part];
  const last = parts[parts.length - 1]!;
  if (Array.isArray(cur)) cur[Number(last)] = v;
  else (cur as Json)[last] = v;
  return copy as T;
}

/** The body with every reference filled from the resources it reads (`undefined` for one not readable yet). */
export function resolveRefs(body: Json, refs: readonly ValueRef[] | undefined, read: (key: string) => unknown): { body: Json; missing: string[] } {
  let out = body;
  const missing: string[] = [];
  for (const ref of refs ?? []) {
    const source = read(ref.from);
    const value = source === undefined ? undefined : getPath(source, ref.fromPath);
    if (typeof value !== "string" || !value) { missing.push(`${ref.from}:${ref.fromPath}`); continue; }
    out = setPath(out, ref.path, ref.format === "cidr32" ? `${value}/32` : value);
  }
  return { body: out, missing };
}

const ID_LIKE = /^\/subscriptions\//i;

function sameScalar(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") {
    // ARM ids and enum-like words come back in ARM's own casing.
    return ID_LIKE.test(a) || /^[A-Za-z_]+$/.test(a) ? a.toLowerCase() === b.toLowerCase() : a === b;
  }
  return a === b;
}

/** The element of `observed` an element of `desired` corresponds to (by name or category, else by position). */
function counterpart(desired: unknown, index: number, observed: unknown[]): unknown {
  if (isRecord(desired)) {
    for (const key of ["name", "category"]) {
      const v = desired[key];
      if (typeof v === "string") return observed.find((o) => isRecord(o) && typeof o[key] === "string" && o[key].toLowerCase() === v.toLowerCase());
    }
  }
  return observed[index];
}

/**
 * What differs between the desired body and the observed resource: every path the desired body
 * sets whose observed value differs. Properties ARM adds (ids, states, defaults) are not
 * differences; object keys match case-insensitively (add-on names, BASELINE.md §0); arrays of
 * scalars compare as sets; arrays of named objects match by name.
 */
export function differences(desired: unknown, observed: unknown, path = "", ignore: readonly string[] = []): PropertyDifference[] {
  if (ignore.includes(path)) return [];
  if (isRecord(desired)) {
    if (!isRecord(observed)) return Object.keys(desired).length === 0 && observed === undefined ? [] : [{ path: path || "(resource)", desired, observed }];
    const out: PropertyDifference[] = [];
    for (const [k, v] of Object.entries(desired)) {
      const match = Object.keys(observed).find((o) => o.toLowerCase() === k.toLowerCase());
      out.push(...differences(v, match === undefined ? undefined : observed[match], path ? `${path}.${k}` : k, ignore));
    }
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed)) return desired.length === 0 && observed === undefined ? [] : [{ path, desired, observed }];
    if (desired.every((d) => !isRecord(d) && !Array.isArray(d))) {
      const same = desired.length === observed.length && desired.every((d) => observed.some((o) => sameScalar(d, o)));
      return same ? [] : [{ path, desired, observed }];
    }
    const out: PropertyDifference[] = [];
    desired.forEach((d, i) => out.push(...differences(d, counterpart(d, i, observed), `${path}.${i}`, ignore)));
    return out;
  }
  return sameScalar(desired, observed) ? [] : [{ path, desired, observed }];
}

/** One resource's change, from its GET (undefined: 404). */
export function changeOf(resource: DesiredResource, desiredBody: Json, observed: Json | undefined): { change: Change; differences: PropertyDifference[] } {
  if (!observed) return { change: "create", differences: [] };
  const diff = differences(desiredBody, observed, "", resource.ignoreOnUpdate ?? []);
  return diff.length === 0 ? { change: "noChange", differences: [] } : { change: "update", differences: diff };
}

/**
 * Waves over the changing resources: a resource's wave is one after the latest wave of the
 * changing resources it depends on (directly or through unchanged ones). Throws on a cycle.
 */
export function assignWaves(resources: readonly DesiredResource[], changing: ReadonlySet<string>): Map<string, number> {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  // The wave a resource's dependents must come after: its own if it changes, else its dependencies'.
  const after = (key: string): number => {
    const r = byKey.get(key);
    if (!r) return -1;
    if (level.has(key)) return level.get(key)!;
    if (visiting.has(key)) throw new Error(`dependency cycle through ${key}`);
    visiting.add(key);
    const deps = Math.max(-1, ...r.dependsOn.map(after));
    visiting.delete(key);
    const mine = changing.has(key) ? deps + 1 : deps;
    level.set(key, mine);
    return mine;
  };
  const waves = new Map<string, number>();
  for (const r of resources) {
    const w = after(r.key);
    if (changing.has(r.key)) waves.set(r.key, w);
  }
  return waves;
}

/** The longest chain of `durationMs` through the dependency graph (the best any scheduler can do). */
export function criticalPathMs(resources: readonly DesiredResource[], durationOf: (r: DesiredResource) => number): { ms: number; path: string[] } {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const memo = new Map<string, { ms: number; path: string[] }>();
  const longest = (key: string): { ms: number; path: string[] } => {
    const cached = memo.get(key);
    if (cached) return cached;
    const r = byKey.get(key);
    if (!r) return { ms: 0, path: [] };
    const best = r.dependsOn.map(longest).reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, path: [] as string[] });
    const out = { ms: best.ms + durationOf(r), path: [...best.path, key] };
    memo.set(key, out);
    return out;
  };
  return resources.map((r) => longest(r.key)).reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, path: [] });
}
