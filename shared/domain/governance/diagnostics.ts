/**
 * Desired-state comparison of a cluster's diagnostic settings (pure). The platform owns one setting
 * (PLATFORM_DIAGNOSTIC_SETTING): exactly the CLUSTER_LOG_CATEGORIES, enabled, to the cluster's Log
 * Analytics workspace. Settings made by someone else (Azure Policy's deploy-if-not-exists, a
 * person) are reported, never deleted or rewritten: at most `kube-audit` beside `kube-audit-admin`
 * in one of them is a finding an operator resolves.
 */
import { CLUSTER_LOG_CATEGORIES, FORBIDDEN_CLUSTER_LOG_CATEGORIES, MAX_DIAGNOSTIC_SETTINGS, PLATFORM_DIAGNOSTIC_SETTING } from "./desired";

export interface ObservedLog {
  category?: string | undefined;
  categoryGroup?: string | undefined;
  enabled: boolean;
}

/** A diagnostic setting as ARM answers it (the SDK's flattened shape, the fields compared). */
export interface ObservedDiagnosticSetting {
  name: string;
  workspaceId?: string | undefined;
  logs?: ObservedLog[] | undefined;
}

export interface DesiredDiagnosticSetting {
  name: string;
  workspaceId: string;
  logs: { category: string; enabled: true }[];
}

export function desiredDiagnosticSetting(workspaceId: string): DesiredDiagnosticSetting {
  return { name: PLATFORM_DIAGNOSTIC_SETTING, workspaceId, logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: true as const })) };
}

/** One rule's verdict; `fail` findings with `remediation: "automatic"` are fixed by a PUT of the platform's setting. */
export interface DiagnosticsVerdict {
  rule: string;
  status: "pass" | "fail";
  severity: "low" | "medium" | "high";
  evidence: string;
  remediation: "automatic" | "manual";
}

export interface DiagnosticsComparison {
  verdicts: DiagnosticsVerdict[];
  /** The platform's setting must be written (missing or different). */
  write: boolean;
  /** A stable description of what differs (the remediation's instance id derives from it). */
  fingerprint: string;
}

/** Categories a setting sends, lower-cased (a category group such as `allLogs` counts as every category). */
export function enabledCategories(setting: ObservedDiagnosticSetting): string[] {
  return (setting.logs ?? []).filter((l) => l.enabled).map((l) => (l.category ?? `group:${l.categoryGroup ?? ""}`).toLowerCase()).sort();
}

const sameId = (a: string | undefined, b: string): boolean => (a ?? "").toLowerCase().replace(/\/+$/, "") === b.toLowerCase().replace(/\/+$/, "");

export function compareDiagnosticSettings(settings: readonly ObservedDiagnosticSetting[], workspaceId: string): DiagnosticsComparison {
  const desired = desiredDiagnosticSetting(workspaceId);
  const want = desired.logs.map((l) => l.category.toLowerCase()).sort();
  const ours = settings.find((s) => s.name.toLowerCase() === PLATFORM_DIAGNOSTIC_SETTING.toLowerCase());
  const foreign = settings.filter((s) => s !== ours);
  const verdicts: DiagnosticsVerdict[] = [];
  const problems: string[] = [];

  if (!ours) {
    problems.push("missing");
    verdicts.push({ rule: "diagnostics.platformSetting", status: "fail", severity: "high", remediation: "automatic", evidence: `The diagnostic setting ${PLATFORM_DIAGNOSTIC_SETTING} does not exist` });
  } else {
    const have = enabledCategories(ours);
    const extra = have.filter((c) => !want.includes(c));
    const absent = want.filter((c) => !have.includes(c));
    const wrongWorkspace = !sameId(ours.workspaceId, workspaceId);
    if (extra.length) problems.push(`extra:${extra.join(",")}`);
    if (absent.length) problems.push(`absent:${absent.join(",")}`);
    if (wrongWorkspace) problems.push(`workspace:${(ours.workspaceId ?? "").toLowerCase()}`);
    const words = [
      ...(extra.length ? [`enabled but not wanted: ${extra.join(", ")}`] : []),
      ...(absent.length ? [`wanted but not enabled: ${absent.join(", ")}`] : []),
      ...(wrongWorkspace ? [`sends to ${ours.workspaceId ?? "no workspace"} instead of ${workspaceId}`] : [])
    ];
    verdicts.push(words.length
      ? { rule: "diagnostics.platformSetting", status: "fail", severity: extra.some((c) => (FORBIDDEN_CLUSTER_LOG_CATEGORIES as readonly string[]).includes(c)) ? "high" : "medium", remediation: "automatic", evidence: `${PLATFORM_DIAGNOSTIC_SETTING}: ${words.join("; ")}` }
      : { rule: "diagnostics.platformSetting", status: "pass", severity: "high", remediation: "automatic", evidence: `${PLATFORM_DIAGNOSTIC_SETTING} sends exactly ${want.join(", ")} to ${workspaceId}` });
  }

  // Someone else's settings: reported, never deleted. kube-audit beside kube-audit-admin doubles the audit stream.
  const auditBoth = foreign.filter((s) => enabledCategories(s).includes("kube-audit"));
  verdicts.push(auditBoth.length
    ? { rule: "diagnostics.foreignKubeAudit", status: "fail", severity: "medium", remediation: "manual", evidence: `kube-audit is on beside kube-audit-admin in settings not made by the platform: ${auditBoth.map((s) => s.name).join(", ")}` }
    : { rule: "diagnostics.foreignKubeAudit", status: "pass", severity: "medium", remediation: "manual", evidence: "No other setting sends kube-audit" });
  const scheduler = foreign.filter((s) => enabledCategories(s).includes("kube-scheduler"));
  verdicts.push(scheduler.length
    ? { rule: "diagnostics.foreignKubeScheduler", status: "fail", severity: "low", remediation: "manual", evidence: `kube-scheduler is on in settings not made by the platform: ${scheduler.map((s) => s.name).join(", ")}` }
    : { rule: "diagnostics.foreignKubeScheduler", status: "pass", severity: "low", remediation: "manual", evidence: "No other setting sends kube-scheduler" });
  verdicts.push(foreign.length
    ? { rule: "diagnostics.foreignSettings", status: "fail", severity: "low", remediation: "manual", evidence: `Settings not made by the platform (reported, not deleted): ${foreign.map((s) => s.name).join(", ")}` }
    : { rule: "diagnostics.foreignSettings", status: "pass", severity: "low", remediation: "manual", evidence: "Only the platform's setting exists" });
  // Azure refuses a sixth setting: without room, the platform's cannot be created.
  const full = !ours && settings.length >= MAX_DIAGNOSTIC_SETTINGS;
  verdicts.push(full
    ? { rule: "diagnostics.settingLimit", status: "fail", severity: "high", remediation: "manual", evidence: `The cluster already has ${settings.length} diagnostic settings (Azure allows ${MAX_DIAGNOSTIC_SETTINGS}): ${PLATFORM_DIAGNOSTIC_SETTING} cannot be created until one is deleted` }
    : { rule: "diagnostics.settingLimit", status: "pass", severity: "high", remediation: "manual", evidence: `${settings.length} of ${MAX_DIAGNOSTIC_SETTINGS} diagnostic settings used` });

  return { verdicts, write: problems.length > 0 && !full, fingerprint: problems.join("|") };
}
