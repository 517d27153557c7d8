/**
 * Desired state of what reaches a governed resource's Log Analytics workspace (pure): exactly the
 * resource type's desired categories (logCategories.ts), whichever diagnostic setting carries
 * them. Existing settings that send to the workspace are converged in place; the platform's own
 * setting is created only when none sends there. Azure refuses two settings of one resource
 * sending a category to the same sink (409 Conflict, "Data sinks can't be reused in different
 * settings on the same category for the same resource", Azure/terraform-azurerm-avm-ptn-aiml-landing-zone#19),
 * so a wanted category is added only to a setting when no other setting to the workspace has it,
 * and the writes that take categories away run before the one that adds them.
 * Settings sending elsewhere (a storage account, an event hub, another workspace) are reported,
 * never written or deleted.
 */
import { CLUSTER_LOG_CATEGORIES, MAX_DIAGNOSTIC_SETTINGS, PLATFORM_DIAGNOSTIC_SETTING } from "./desired";
import { DESIRED_RESOURCE_LOGS, type DesiredResourceLogs } from "./logCategories";

export interface ObservedLog {
  category?: string | undefined;
  categoryGroup?: string | undefined;
  enabled: boolean;
}

/** A diagnostic setting as ARM answers it (the SDK's flattened shape, the fields compared). */
export interface ObservedDiagnosticSetting {
  name: string;
  workspaceId?: string | undefined;
  storageAccountId?: string | undefined;
  eventHubAuthorizationRuleId?: string | undefined;
  marketplacePartnerId?: string | undefined;
  logs?: ObservedLog[] | undefined;
  /** `systemData.lastModifiedBy`: who wrote it last (names another controller). */
  lastModifiedBy?: string | undefined;
}

export interface DesiredDiagnosticSetting {
  name: string;
  workspaceId: string;
  logs: { category: string; enabled: true }[];
}

/** The cluster setting provisioning writes (kept for the baseline profile). */
export function desiredDiagnosticSetting(workspaceId: string): DesiredDiagnosticSetting {
  return { name: PLATFORM_DIAGNOSTIC_SETTING, workspaceId, logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: true as const })) };
}

/** One rule's verdict; `fail` findings with `remediation: "automatic"` are put right by the plan's writes. */
export interface DiagnosticsVerdict {
  rule: string;
  status: "pass" | "fail";
  severity: "low" | "medium" | "high";
  evidence: string;
  remediation: "automatic" | "manual";
}

/** One setting written: its whole `logs` list (metrics and destinations are kept as ARM has them). */
export interface SettingWrite {
  name: string;
  /** The setting does not exist: created with the workspace as its only destination. */
  create: boolean;
  logs: ObservedLog[];
}

export interface DiagnosticsPlan {
  verdicts: DiagnosticsVerdict[];
  /** In order: settings losing categories first, then the one gaining them (never a 409). */
  writes: SettingWrite[];
  /** A stable description of what differs (the remediation's instance id and the back-off derive from it). */
  fingerprint: string;
  /** The settings that send to the workspace (names), for the evidence and the back-off. */
  carriers: string[];
}

/** Categories a setting sends, lower-cased (a category group counts as `group:<name>`). */
export function enabledCategories(setting: Pick<ObservedDiagnosticSetting, "logs">): string[] {
  return (setting.logs ?? []).filter((l) => l.enabled).map((l) => (l.category ?? `group:${l.categoryGroup ?? ""}`).toLowerCase()).sort();
}

export const sameResourceId = (a: string | undefined, b: string): boolean => (a ?? "").toLowerCase().replace(/\/+$/, "") === b.toLowerCase().replace(/\/+$/, "");

/** Rule ids: `diagnostics.<rule>` on the cluster, `diagnostics.<kind>.<rule>` on the baseline's other resources. */
export function diagnosticsRule(desired: DesiredResourceLogs, rule: string): string {
  return desired.kind === "cluster" ? `diagnostics.${rule}` : `diagnostics.${desired.kind}.${rule}`;
}

function otherSinks(s: ObservedDiagnosticSetting, workspaceId: string): string[] {
  return [
    ...(s.workspaceId && !sameResourceId(s.workspaceId, workspaceId) ? [`workspace ${s.workspaceId}`] : []),
    ...(s.storageAccountId ? [`storage account ${s.storageAccountId}`] : []),
    ...(s.eventHubAuthorizationRuleId ? [`event hub ${s.eventHubAuthorizationRuleId}`] : []),
    ...(s.marketplacePartnerId ? [`partner ${s.marketplacePartnerId}`] : [])
  ];
}

export function planDiagnostics(settings: readonly ObservedDiagnosticSetting[], workspaceId: string, desired: DesiredResourceLogs = DESIRED_RESOURCE_LOGS.cluster): DiagnosticsPlan {
  const rule = (r: string): string => diagnosticsRule(desired, r);
  const want = new Map(desired.categories.map((c) => [c.toLowerCase(), c]));
  const forbidden = new Set(desired.forbidden.map((c) => c.toLowerCase()));
  const carriers = settings.filter((s) => sameResourceId(s.workspaceId, workspaceId)).sort((a, b) => a.name.localeCompare(b.name));
  const elsewhere = settings.filter((s) => !carriers.includes(s));
  const verdicts: DiagnosticsVerdict[] = [];
  const writes: SettingWrite[] = [];
  const problems: string[] = [];

  // What reaches the workspace now, and which setting carries each category.
  const carriedBy = new Map<string, string>();
  for (const s of carriers) for (const c of enabledCategories(s)) if (!carriedBy.has(c)) carriedBy.set(c, s.name);
  const extra = [...carriedBy.keys()].filter((c) => !want.has(c)).sort();
  const absent = [...want.keys()].filter((c) => !carriedBy.has(c)).sort();

  // Every carrier keeps the wanted categories it has (one carrier per category: Azure's rule) and
  // loses the rest; a category group is replaced by nothing (it sends categories not wanted), its
  // wanted categories are then absent and added to the owner.
  const kept = new Map<string, string>();
  const rewritten = new Map<string, ObservedLog[]>();
  for (const s of carriers) {
    const logs: ObservedLog[] = [];
    let changed = false;
    for (const l of s.logs ?? []) {
      const key = l.category?.toLowerCase();
      const keep = l.enabled && key !== undefined && want.has(key) && !kept.has(key);
      if (keep) kept.set(key, s.name);
      if (l.enabled && !keep) changed = true;
      logs.push({ ...(l.category !== undefined ? { category: l.category } : {}), ...(l.categoryGroup !== undefined ? { categoryGroup: l.categoryGroup } : {}), enabled: keep });
    }
    if (changed) rewritten.set(s.name, logs);
  }
  const missing = [...want.keys()].filter((c) => !kept.has(c));
  let full = false;
  if (missing.length > 0) {
    // The owner: the platform's own setting if it sends here, else the carrier already holding most wanted categories.
    const ours = carriers.find((s) => s.name.toLowerCase() === desired.platformSetting.toLowerCase());
    const owner = ours ?? [...carriers].sort((a, b) => [...kept.values()].filter((n) => n === b.name).length - [...kept.values()].filter((n) => n === a.name).length || a.name.localeCompare(b.name))[0];
    if (owner) {
      const logs = rewritten.get(owner.name) ?? (owner.logs ?? []).map((l) => ({ ...l }));
      for (const c of missing) {
        const entry = logs.find((l) => l.category?.toLowerCase() === c);
        if (entry) entry.enabled = true;
        else logs.push({ category: want.get(c)!, enabled: true });
      }
      rewritten.delete(owner.name);
      for (const [name, l] of rewritten) writes.push({ name, create: false, logs: l });
      writes.push({ name: owner.name, create: false, logs });
    } else if (settings.some((s) => s.name.toLowerCase() === desired.platformSetting.toLowerCase()) || settings.length >= MAX_DIAGNOSTIC_SETTINGS) {
      // The platform's name is taken by a setting sending elsewhere, or Azure would refuse a sixth.
      full = true;
    } else {
      writes.push({ name: desired.platformSetting, create: true, logs: desired.categories.map((category) => ({ category, enabled: true })) });
    }
  } else {
    for (const [name, l] of rewritten) writes.push({ name, create: false, logs: l });
  }

  // Where each extra category comes from is part of the drift: the same category put back in the
  // same setting is the same drift coming back (backoff.ts), another setting's is another.
  if (extra.length) problems.push(`extra:${extra.map((c) => `${c}@${(carriedBy.get(c) ?? "").toLowerCase()}`).join(",")}`);
  if (absent.length) problems.push(`absent:${absent.join(",")}`);
  const where = (c: string): string => `${c} (${carriedBy.get(c) ?? "?"})`;
  const words = [
    ...(extra.length ? [`sent but not wanted: ${extra.map(where).join(", ")}`] : []),
    ...(absent.length ? [`wanted but not sent: ${absent.join(", ")}`] : [])
  ];
  const wantList = desired.categories.join(", ");
  verdicts.push(words.length
    ? {
      rule: rule("workspaceCategories"), status: "fail", remediation: full ? "manual" : "automatic",
      severity: extra.some((c) => forbidden.has(c)) || absent.length ? "high" : "medium",
      evidence: `To ${workspaceId}: ${words.join("; ")}${carriers.length ? ` (settings sending there: ${carriers.map((s) => s.name).join(", ")})` : " (no setting sends there)"}`
    }
    : { rule: rule("workspaceCategories"), status: "pass", severity: "high", remediation: "automatic", evidence: `Exactly ${wantList} reach ${workspaceId} (through ${carriers.map((s) => s.name).join(", ")})` });
  verdicts.push(full
    ? { rule: rule("settingLimit"), status: "fail", severity: "high", remediation: "manual", evidence: `No setting sends to ${workspaceId} and ${desired.platformSetting} cannot be created: ${settings.length >= MAX_DIAGNOSTIC_SETTINGS ? `the resource already has ${settings.length} diagnostic settings (Azure allows ${MAX_DIAGNOSTIC_SETTINGS})` : `a setting named ${desired.platformSetting} sends elsewhere`}` }
    : { rule: rule("settingLimit"), status: "pass", severity: "high", remediation: "manual", evidence: `${settings.length} of ${MAX_DIAGNOSTIC_SETTINGS} diagnostic settings used` });
  // Someone else's destinations: reported, never deleted.
  verdicts.push(elsewhere.length
    ? { rule: rule("otherDestinations"), status: "fail", severity: "low", remediation: "manual", evidence: `Settings sending elsewhere (reported, not changed): ${elsewhere.map((s) => `${s.name} → ${otherSinks(s, workspaceId).join(", ") || "no destination"}${enabledCategories(s).length ? ` [${enabledCategories(s).join(", ")}]` : ""}`).join("; ")}` }
    : { rule: rule("otherDestinations"), status: "pass", severity: "low", remediation: "manual", evidence: "No setting sends this resource's logs elsewhere" });

  return { verdicts, writes: full ? [] : writes, fingerprint: problems.join("|"), carriers: carriers.map((s) => s.name) };
}

/** The same plan applied to one setting's current `logs`: what the write of `name` puts (undefined: nothing to write). */
export function writeFor(plan: DiagnosticsPlan, name: string): SettingWrite | undefined {
  return plan.writes.find((w) => w.name.toLowerCase() === name.toLowerCase());
}

/**
 * Who else writes a setting (Azure Policy's deploy-if-not-exists names its settings `setByPolicy…`
 * by default, and its remediation runs as the assignment's managed identity, so ARM's
 * `systemData.lastModifiedBy` names it too).
 */
export function controllerOf(setting: Pick<ObservedDiagnosticSetting, "name" | "lastModifiedBy">): string {
  if (/^setbypolicy/i.test(setting.name)) return "Azure Policy (deploy-if-not-exists)";
  return setting.lastModifiedBy ? `${setting.lastModifiedBy} (the last writer of ${setting.name} in ARM)` : `the controller that writes ${setting.name}`;
}
