/**
 * The health gate after each upgrade step: compares platform metrics after the step with the
 * baseline taken before it. Pure; the samples come from Azure Monitor platform metrics
 * (`kube_node_status_condition`, `kube_pod_status_ready`, `kube_pod_status_phase`) read by an activity.
 * A missing or malformed metric fails the gate: an upgrade never proceeds on data it cannot read.
 */
export interface HealthGateThresholds {
  /** Per pool, the fraction of nodes that must be Ready after the step (1 = all). */
  minNodesReadyRatio: number;
  /** Floor for the cluster's pods-ready ratio after the step. */
  minPodsReadyRatio: number;
  /** How far the pods-ready ratio may fall below the baseline. */
  maxPodsReadyDrop: number;
  /** How many more Failed pods than at baseline are tolerated. */
  maxFailedPodsIncrease: number;
  /** How many more Pending pods than at baseline are tolerated (surge nodes make a few normal). */
  maxPendingPodsIncrease: number;
}

export interface PoolNodeHealth {
  pool: string;
  nodesReady: number;
  nodesTotal: number;
}

export interface ClusterHealthSample {
  /** ISO time the metrics describe. */
  at: string;
  pools: PoolNodeHealth[];
  /** Ready pods / running-or-pending pods, 0–1. */
  podsReadyRatio: number;
  podsFailed: number;
  podsPending: number;
}

export type HealthCheckName = "sample" | "poolReported" | "nodesReady" | "podsReadyFloor" | "podsReadyDrop" | "podsFailed" | "podsPending";

export interface HealthCheck {
  name: HealthCheckName;
  pool?: string;
  pass: boolean;
  message: string;
}

export interface HealthGateVerdict {
  pass: boolean;
  /** One sentence for the operation record and the Teams alert: the failures, or a summary when healthy. */
  reason: string;
  checks: HealthCheck[];
}

export interface HealthGateInput {
  before: ClusterHealthSample;
  after: ClusterHealthSample;
  thresholds: HealthGateThresholds;
  /** Limit node checks to these pools (the one just upgraded); default every pool in the baseline. */
  pools?: string[];
}

export function evaluateHealthGate(input: HealthGateInput): HealthGateVerdict {
  const { before, after, thresholds } = input;
  const checks: HealthCheck[] = [];
  const sampleProblems = [...sampleIssues("baseline", before), ...sampleIssues("after the step", after)];
  if (sampleProblems.length > 0) {
    checks.push(...sampleProblems.map((message) => ({ name: "sample" as const, pass: false, message })));
    return verdict(checks);
  }

  const scope = input.pools ?? before.pools.map((p) => p.pool);
  for (const pool of scope) {
    const now = after.pools.find((p) => p.pool === pool);
    const was = before.pools.find((p) => p.pool === pool);
    if (!now) {
      checks.push({ name: "poolReported", pool, pass: false, message: `pool ${pool} reported no node metrics after the step` });
      continue;
    }
    if (now.nodesTotal === 0 && (was?.nodesTotal ?? 0) === 0) {
      checks.push({ name: "nodesReady", pool, pass: true, message: `pool ${pool} has no nodes (scaled to zero)` });
      continue;
    }
    const ratio = now.nodesTotal === 0 ? 0 : now.nodesReady / now.nodesTotal;
    checks.push({
      name: "nodesReady", pool, pass: ratio >= thresholds.minNodesReadyRatio,
      message: `pool ${pool}: ${now.nodesReady}/${now.nodesTotal} nodes Ready (need ${pct(thresholds.minNodesReadyRatio)})`
    });
  }

  checks.push({
    name: "podsReadyFloor", pass: after.podsReadyRatio >= thresholds.minPodsReadyRatio,
    message: `pods ready ${pct(after.podsReadyRatio)} (floor ${pct(thresholds.minPodsReadyRatio)})`
  });
  const drop = before.podsReadyRatio - after.podsReadyRatio;
  checks.push({
    name: "podsReadyDrop", pass: drop <= thresholds.maxPodsReadyDrop + 1e-9,
    message: `pods ready ${pct(before.podsReadyRatio)} → ${pct(after.podsReadyRatio)} (may drop ${pct(thresholds.maxPodsReadyDrop)})`
  });
  const failed = after.podsFailed - before.podsFailed;
  checks.push({
    name: "podsFailed", pass: failed <= thresholds.maxFailedPodsIncrease,
    message: `failed pods ${before.podsFailed} → ${after.podsFailed} (may rise by ${thresholds.maxFailedPodsIncrease})`
  });
  const pending = after.podsPending - before.podsPending;
  checks.push({
    name: "podsPending", pass: pending <= thresholds.maxPendingPodsIncrease,
    message: `pending pods ${before.podsPending} → ${after.podsPending} (may rise by ${thresholds.maxPendingPodsIncrease})`
  });
  return verdict(checks);
}

function verdict(checks: HealthCheck[]): HealthGateVerdict {
  const failures = checks.filter((c) => !c.pass);
  return failures.length > 0
    ? { pass: false, reason: failures.map((c) => c.message).join("; "), checks }
    : { pass: true, reason: `healthy: ${checks.map((c) => c.message).join("; ")}`, checks };
}

function sampleIssues(label: string, sample: ClusterHealthSample): string[] {
  const issues: string[] = [];
  if (!isRatio(sample.podsReadyRatio)) issues.push(`pods-ready ratio ${label} is missing or not within 0–1`);
  if (!isCount(sample.podsFailed)) issues.push(`failed-pod count ${label} is missing`);
  if (!isCount(sample.podsPending)) issues.push(`pending-pod count ${label} is missing`);
  if (!Array.isArray(sample.pools)) issues.push(`node metrics ${label} are missing`);
  else for (const p of sample.pools) {
    if (!isCount(p.nodesReady) || !isCount(p.nodesTotal) || p.nodesReady > p.nodesTotal) issues.push(`node counts ${label} for pool ${p.pool} are inconsistent`);
  }
  return issues;
}

function isRatio(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x) && x >= 0 && x <= 1;
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
