import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { evaluateClusterConformance } from "../../orchestrations/conformance/activities/conformance";
import { ruleGroupOf } from "../../shared/domain/conformance";
import type { FindingRecord } from "../../shared/store";
import { json, problem } from "./http";
import { conformanceDeps } from "../runtime/conformance";
import { clusterSubscription } from "../runtime/subscriptionRouting";
import { registeredCluster } from "./clusters";
import type { Platform } from "../runtime/platform";
import { failureOf } from "../../shared/domain/failures";

/**
 * `GET /api/clusters/{id}/conformance`: evaluates the cluster live against the baseline rules
 * (ARM tells the truth; a stored report would be stale after any out-of-band change), records the
 * findings, and answers every rule with its verdict, evidence and group (its area of the baseline), the summary and, on rules with a
 * finding, its first-seen / last-seen / resolved times. ARM throttling answers 503 with
 * Retry-After; an ARM refusal answers 502 naming ARM's error.
 */
export function createClusterConformanceHandler(p: Platform) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const found = await registeredCluster(p, request.params.id ?? "");
    if ("response" in found) return found.response;
    const { cluster } = found;
    const id = cluster.id;
    let report;
    try {
      // Clients without SDK retries: a throttled ARM answers the caller at once (503 + Retry-After), no worker sleeps.
      report = await evaluateClusterConformance(conformanceDeps(p, p.activityArmFor(clusterSubscription(p, cluster)), clusterSubscription(p, cluster)), cluster);
    } catch (err) {
      const failure = failureOf(err);
      if (failure.kind === "throttled" || failure.kind === "transient") {
        return { ...problem(503, "ArmUnavailable", `ARM could not be read: ${failure.code}: ${failure.message}`), headers: { "retry-after": String(Math.ceil((failure.retryAfterMs ?? 5_000) / 1000)) } };
      }
      return problem(502, "ArmReadFailed", failure.message);
    }
    const findings = new Map<string, FindingRecord>((await p.store.findings.listByCluster(id, { category: "conformance" })).map((f) => [f.rule, f]));
    return json(200, {
      clusterId: id, environment: report.environment, resourceId: report.resourceId, evaluatedAt: report.evaluatedAt, summary: report.summary,
      rules: report.rules.map((r) => {
        const f = findings.get(r.id);
        return { ...r, group: ruleGroupOf(r.id) ?? "Other", ...(f ? { finding: { id: f.id, status: f.status, firstSeenAt: f.firstSeenAt, lastSeenAt: f.lastSeenAt, ...(f.resolvedAt ? { resolvedAt: f.resolvedAt } : {}) } } : {}) };
      })
    });
  };
}
