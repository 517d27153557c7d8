/**
 * A conformance rule: one check of observed ARM state against the AKS baseline (BASELINE.md §4),
 * with where it comes from and how a failure is fixed. Pure: no I/O, no clock.
 */
import type { Environment } from "../policy";
import type { ObservedCluster } from "./observed";

export type RuleStatus = "pass" | "fail" | "notApplicable";
export type RuleSeverity = "high" | "medium" | "low" | "info";
/** `automatic`: one safe PUT/PATCH fixes it; `approval`: a PUT fixes it but disrupts (nodes roll, access changes, cost); `manual`: create-time only or a human decision. */
export type RemediationClass = "automatic" | "approval" | "manual";

export interface RuleCheck {
  status: RuleStatus;
  /** The observed value(s) the verdict rests on, JSON-safe. */
  observed: unknown;
  /** Why, in the operator's words, when the value alone does not say it. */
  detail?: string;
}

export interface ConformanceRule {
  id: string;
  /** The rule's number in BASELINE.md §4. */
  number: number;
  title: string;
  /** ARM wire path(s) checked (`properties.` omitted for the cluster; `pool[*]` = agentPoolProfiles). */
  path: string;
  expected: string;
  severity: RuleSeverity;
  /** Where the environment changes the stakes (`M (H prod)` in §4). */
  severityIn?: Partial<Record<Environment, RuleSeverity>>;
  /** The seed sentence or baseline-repo line that asks for it, as BASELINE.md §4 cites it. */
  citation: string;
  /** `seed` when a seed document asks for it, `aks-baseline` when it is a choice of the reference repo only. */
  source: "seed" | "aks-baseline";
  remediation: RemediationClass;
  /** Environments the rule is judged in (BASELINE.md §5); elsewhere notApplicable with `otherEnvironments`. Absent: all. */
  environments?: readonly Environment[];
  otherEnvironments?: string;
  check(observed: ObservedCluster, environment: Environment): RuleCheck;
}

/** A rule's verdict on one cluster: the rule's description (severity as it applies there) and the evidence. */
export interface RuleResult extends Pick<ConformanceRule, "id" | "number" | "title" | "path" | "expected" | "severity" | "citation" | "source" | "remediation"> {
  status: RuleStatus;
  observed: unknown;
  /** One line: the path, what ARM holds there, and why it passes or fails. */
  evidence: string;
}

export interface ConformanceSummary {
  total: number;
  pass: number;
  fail: number;
  notApplicable: number;
  /** Failing rules by severity. */
  failing: Record<RuleSeverity, number>;
}

export interface ConformanceReport {
  environment: Environment;
  resourceId: string;
  evaluatedAt: string;
  summary: ConformanceSummary;
  rules: RuleResult[];
}
