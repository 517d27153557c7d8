import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { evaluateClusterReadiness, InvalidReadinessTargetError } from "../../orchestrations/kubernetesUpgrade/activities/readiness";
import { json, problem } from "./http";
import { readinessDeps } from "../runtime/readiness";
import { clusterSubscription } from "../runtime/subscriptionRouting";
import { registeredCluster } from "./clusters";
import type { Platform } from "../runtime/platform";
import { failureOf } from "../../shared/domain/failures";

const VERSION = /^v?\d{1,3}\.\d{1,3}(\.\d{1,4})?$/;

/**
 * `GET /api/clusters/{id}/readiness?targetVersion=…`: whether a Kubernetes upgrade to the target
 * (default: the policy's next target, else the newest the cluster may go to) can work now, judged
 * live from ARM (shared/domain/readiness.ts): `{ clusterId, targetVersion, checks: [{ id, status, evidence }] }`.
 * 404 for an unknown cluster, 400 naming a malformed or unoffered targetVersion, 503 with
 * Retry-After when ARM throttles, 502 naming ARM's refusal.
 */
export function createClusterReadinessHandler(p: Platform) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const requested = request.query.get("targetVersion") ?? undefined;
    const found = await registeredCluster(p, request.params.id ?? "");
    if ("response" in found) return found.response;
    if (requested !== undefined && !VERSION.test(requested.trim())) {
      return problem(400, "InvalidTargetVersion", `targetVersion '${requested}': expected major.minor.patch (1.33.2) or major.minor (1.33)`);
    }
    try {
      return json(200, await evaluateClusterReadiness(readinessDeps(p, clusterSubscription(p, found.cluster)), found.cluster, requested));
    } catch (err) {
      if (err instanceof InvalidReadinessTargetError) return problem(400, "InvalidTargetVersion", err.message);
      const failure = failureOf(err);
      if (failure.kind === "throttled" || failure.kind === "transient") {
        return { ...problem(503, "ArmUnavailable", `ARM could not be read: ${failure.code}: ${failure.message}`), headers: { "retry-after": String(Math.ceil((failure.retryAfterMs ?? 5_000) / 1000)) } };
      }
      return problem(502, "ArmReadFailed", failure.message);
    }
  };
}
