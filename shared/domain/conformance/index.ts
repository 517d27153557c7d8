/**
 * Baseline conformance: the rules of BASELINE.md §4 that ARM state can answer, judged for one
 * cluster in its environment (§5). Pure: the caller reads ARM (ObservedCluster) and stores the
 * findings; this module only decides.
 */
import type { Environment } from "../policy";
import { guardrailRules } from "./guardrailRules";
import { hubRules } from "./hubRules";
import { identityRules } from "./identityRules";
import { monitoringRules } from "./monitoringRules";
import { networkRules } from "./networkRules";
import type { ObservedCluster } from "./observed";
import { poolRules } from "./poolRules";
import type { ConformanceReport, ConformanceRule, ConformanceSummary, RuleCheck, RuleResult, RuleSeverity } from "./rule";
import { upgradeRules } from "./upgradeRules";
import { workloadRules } from "./workloadRules";

export type * from "./observed";
export type * from "./dependencies";
export type * from "./rule";

/** Every rule, in BASELINE.md §4 order. */
export const CONFORMANCE_RULES: readonly ConformanceRule[] = [...identityRules, ...networkRules, ...upgradeRules, ...poolRules, ...monitoringRules, ...hubRules, ...workloadRules, ...guardrailRules]
  .sort((a, b) => a.number - b.number);

/** The rule groups a report is read by (one per area of BASELINE.md §4), in §4 order of their first rule. */
export const RULE_GROUPS: readonly { name: string; rules: readonly ConformanceRule[] }[] = [
  { name: "Identity and access", rules: identityRules },
  { name: "Networking", rules: networkRules },
  { name: "Versions and upgrades", rules: upgradeRules },
  { name: "Node pools", rules: poolRules },
  { name: "Monitoring and cost", rules: monitoringRules }
];

const GROUP_OF = new Map<string, string>(RULE_GROUPS.flatMap((g) => g.rules.map((r) => [r.id, g.name] as const)));

/** The name of the group `id` belongs to. */
export function ruleGroupOf(id: string): string | undefined {
  return GROUP_OF.get(id);
}

export function ruleById(id: string): ConformanceRule | undefined {
  return CONFORMANCE_RULES.find((r) => r.id === id);
}

/** One rule's verdict in `environment`, with its evidence line. A rule that throws on odd ARM data fails, naming the error. */
export function evaluateRule(rule: ConformanceRule, observed: ObservedCluster, environment: Environment): RuleResult {
  let check: RuleCheck;
  if (rule.environments && !rule.environments.includes(environment)) {
    check = { status: "notApplicable", observed: null, detail: `${environment}: ${rule.otherEnvironments ?? "not judged in this environment"}` };
  } else {
    try {
      check = rule.check(observed, environment);
    } catch (err) {
      check = { status: "fail", observed: null, detail: `the observed state could not be judged: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const severity = rule.severityIn?.[environment] ?? rule.severity;
  return {
    id: rule.id, number: rule.number, title: rule.title, path: rule.path, expected: rule.expected, severity,
    citation: rule.citation, source: rule.source, remediation: rule.remediation,
    status: check.status, observed: check.observed, evidence: evidenceOf(rule, check)
  };
}

export function evaluateConformance(observed: ObservedCluster, environment: Environment, evaluatedAt: string, rules: readonly ConformanceRule[] = CONFORMANCE_RULES): ConformanceReport {
  const results = rules.map((r) => evaluateRule(r, observed, environment));
  return { environment, resourceId: observed.cluster.id ?? "", evaluatedAt, summary: summarize(results), rules: results };
}

export function summarize(results: readonly RuleResult[]): ConformanceSummary {
  const failing: Record<RuleSeverity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  let pass = 0, fail = 0, notApplicable = 0;
  for (const r of results) {
    if (r.status === "pass") pass++;
    else if (r.status === "notApplicable") notApplicable++;
    else { fail++; failing[r.severity]++; }
  }
  return { total: results.length, pass, fail, notApplicable, failing };
}

function evidenceOf(rule: ConformanceRule, check: RuleCheck): string {
  const value = check.status === "notApplicable" && check.observed === null ? "" : ` = ${JSON.stringify(check.observed)}`;
  const verdict = check.status === "pass" ? "passes" : check.status === "fail" ? `fails (expected ${rule.expected})` : "not applicable";
  return `${rule.path}${value}: ${verdict}${check.detail ? `; ${check.detail}` : ""}`;
}

/** The finding id of a rule on a cluster: stable per (cluster, rule); Cosmos ids may not hold / \ ? #. */
export function conformanceFindingId(clusterId: string, ruleId: string): string {
  return `${clusterId}:conformance:${ruleId}`.replace(/[/\\?#]/g, "_");
}
