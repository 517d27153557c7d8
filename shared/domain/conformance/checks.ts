/** Small helpers the rules share: verdicts, case-insensitive add-on lookups, per-pool checks. */
import type { ManagedCluster, ManagedClusterAddonProfile, ManagedClusterAgentPoolProfile } from "@azure/arm-containerservice";
import type { ObservedCluster, RelatedRead } from "./observed";
import type { RuleCheck } from "./rule";

export type Pool = ManagedClusterAgentPoolProfile;

/** JSON-safe evidence: `undefined` becomes `null` so a missing property shows as missing. */
export function json(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export const pass = (observed: unknown, detail?: string): RuleCheck => ({ status: "pass", observed: json(observed), ...(detail ? { detail } : {}) });
export const fail = (observed: unknown, detail?: string): RuleCheck => ({ status: "fail", observed: json(observed), ...(detail ? { detail } : {}) });
export const notApplicable = (detail: string, observed?: unknown): RuleCheck => ({ status: "notApplicable", observed: json(observed), detail });
export const verdict = (ok: boolean, observed: unknown, detail?: string): RuleCheck => (ok ? pass(observed, detail) : fail(observed, detail));

/** ARM enum values come back as sent by whoever wrote them: compare case-insensitively. */
export function same(a: string | undefined, b: string): boolean {
  return (a ?? "").toLowerCase() === b.toLowerCase();
}

/**
 * An add-on profile by key, matched case-insensitively: AKS treats add-on names and config keys
 * as case-insensitive and stores them as sent (Azure/azure-cli#15376: the portal writes
 * `azurePolicy`, the CLI `azurepolicy`; `omsagent` / `omsAgent`).
 */
export function addon(mc: ManagedCluster, name: string): { key: string; profile: ManagedClusterAddonProfile } | undefined {
  for (const [key, profile] of Object.entries(mc.addonProfiles ?? {})) {
    if (same(key, name)) return { key, profile };
  }
  return undefined;
}

/** An add-on config value by key, matched case-insensitively (`logAnalyticsWorkspaceResourceID` vs `…Id`). */
export function addonConfig(profile: ManagedClusterAddonProfile | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(profile?.config ?? {})) {
    if (same(key, name)) return value;
  }
  return undefined;
}

export function pools(mc: ManagedCluster): Pool[] {
  return mc.agentPoolProfiles ?? [];
}

export function isSystem(pool: Pool): boolean {
  return same(pool.mode, "System");
}

/**
 * Judges each pool: the observed value per pool name, failing when any pool fails `ok`, with the
 * failing pools named. No pools to judge: notApplicable with `none`.
 */
export function perPool<V>(list: Pool[], value: (p: Pool) => V, ok: (v: V, p: Pool) => boolean, none: string): RuleCheck {
  if (list.length === 0) return { status: "notApplicable", observed: null, detail: none };
  const observed: Record<string, unknown> = {};
  const failing: string[] = [];
  for (const p of list) {
    const v = value(p);
    observed[p.name ?? "?"] = json(v);
    if (!ok(v, p)) failing.push(p.name ?? "?");
  }
  return failing.length === 0 ? pass(observed) : fail(observed, `failing: ${failing.join(", ")}`);
}

/** A related read the rule needs, or the notApplicable that says why it is missing. */
export function related<K extends RelatedRead>(o: ObservedCluster, key: K): { value: NonNullable<ObservedCluster[K]> } | { missing: RuleCheck } {
  const value = o[key];
  if (value === undefined || value === null) return { missing: notApplicable(`${key} not read${o.unread?.[key] ? `: ${o.unread[key]}` : ""}`) };
  return { value };
}

/** `1.33.2` → [1, 33, 2]; undefined when it is not a version. */
export function versionParts(v: string | undefined): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v ?? "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
