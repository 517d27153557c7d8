import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { compareKubernetesVersions, isKubernetesVersion, parseMinorVersion, planKubernetesUpgrade, versionsNewerThan } from "../../shared/domain/versions";
import { badRequest, isRecord, json, problem, readJson, unknownFields, type FieldIssue } from "./http";
import { policyTarget, readCatalog, readManagedCluster, resolveRequestedTarget } from "./targets";
import { startKubernetesUpgrade } from "./upgradeStarter";
import { startNodeImageUpgradeByHand } from "../../orchestrations/nodeImageRollout/starters";
import { registeredCluster, statusUrl } from "./clusters";
import type { DurableClientPort } from "./durableClient";
import type { Platform } from "../runtime/platform";

function isMinorVersion(text: string): boolean {
  try {
    parseMinorVersion(text);
    return true;
  } catch {
    return false;
  }
}

export function validateUpgradeRequest(body: unknown): { ok: true; kind: "kubernetes" | "nodeImage"; targetVersion?: string } | { ok: false; issues: FieldIssue[] } {
  if (!isRecord(body)) return { ok: false, issues: [{ field: "body", message: "must be a JSON object" }] };
  const issues = unknownFields(body, ["kind", "targetVersion"]);
  if (body.kind !== "kubernetes" && body.kind !== "nodeImage") issues.push({ field: "kind", message: "must be one of kubernetes, nodeImage" });
  const target: unknown = body.targetVersion;
  if (target !== undefined && !(typeof target === "string" && target.length <= 32 && (isKubernetesVersion(target) || isMinorVersion(target)))) {
    issues.push({ field: "targetVersion", message: "must be a Kubernetes version like 1.32.3 or a minor like 1.32" });
  }
  if (body.kind === "nodeImage" && body.targetVersion !== undefined) issues.push({ field: "targetVersion", message: "is not used by node image upgrades" });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, kind: body.kind as "kubernetes" | "nodeImage", ...(typeof body.targetVersion === "string" ? { targetVersion: body.targetVersion.trim() } : {}) };
}

/**
 * `POST /api/clusters/{id}/upgrades`: starts a Kubernetes upgrade by hand (target from the body, or
 * the cluster's policy), or resumes a failed, rejected or expired one for the same target from its
 * first unfinished step (same operation, new instance id). 202 with the operation id.
 */
export function createStartUpgradeHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const body = await readJson(request);
    if (!body.ok) return body.response;
    const valid = validateUpgradeRequest(body.value);
    if (!valid.ok) return badRequest(valid.issues);
    const found = await registeredCluster(p, request.params.id ?? "");
    if ("response" in found) return found.response;
    const { cluster } = found;
    const id = cluster.id;
    if (valid.kind === "nodeImage") {
      // The operator's call: now, window or not (orchestrations/nodeImageRollout/starters.ts).
      const started = await startNodeImageUpgradeByHand(clientOf(request), id, principalName(request) ?? "anonymous", new Date(p.clock.now()), {
        polling: { firstIntervalMs: p.config.operationPolling.firstIntervalMs, maxIntervalMs: p.config.operationPolling.maxIntervalMs },
        healthSettleMs: p.config.operationPolling.healthSettleMs
      });
      const answer = { operationId: started.operationId, instanceId: started.instanceId, kind: "nodeImage", statusUrl: statusUrl(p, started.operationId) };
      if (started.started) return json(202, answer);
      // The same request again (parallel posts in the same second name one operation): it is that
      // operation, answered with its record's status (`Pending` until its orchestration writes it).
      const status = (await p.store.operations.get(id, started.operationId))?.doc.status ?? "Pending";
      return json(200, { ...answer, started: false, status, message: `The node image upgrade ${started.operationId} of ${id} is already started: it is ${status}` });
    }

    let target: string;
    if (valid.targetVersion) {
      const managed = await readManagedCluster(p, cluster);
      const location = managed.location ?? cluster.spec.location;
      const catalog = await readCatalog(p, location, cluster.subscriptionId);
      const controlPlane = managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? cluster.spec.kubernetesVersion;
      const pools = (managed.agentPoolProfiles ?? []).map((pool) => ({ name: pool.name ?? "", mode: pool.mode ?? "User", version: pool.currentOrchestratorVersion ?? pool.orchestratorVersion ?? controlPlane }));
      const filter = { allowPreview: cluster.policy.allowPreview };
      // What ARM offers: newer than the control plane, or the control plane's own version while a pool is still behind it (a resume).
      const behind = pools.some((pool) => isKubernetesVersion(pool.version) && compareKubernetesVersions(pool.version, controlPlane) < 0);
      const available = [...(behind ? [controlPlane] : []), ...versionsNewerThan(catalog, controlPlane, filter)];
      const offered = `the versions available to ${id} (on ${controlPlane}) in ${location}: ${available.length > 0 ? available.join(", ") : "none"}`;
      const resolved = resolveRequestedTarget(catalog, valid.targetVersion, cluster.policy.allowPreview);
      if (!resolved || !available.includes(resolved)) {
        const why = !resolved ? `AKS offers no ${cluster.policy.allowPreview ? "" : "generally available "}patch of ${valid.targetVersion}`
          : compareKubernetesVersions(resolved, controlPlane) < 0 ? `${resolved} would be a downgrade`
          : compareKubernetesVersions(resolved, controlPlane) === 0 ? `${resolved} is the current version`
          : `AKS does not offer ${resolved}`;
        return badRequest([{ field: "targetVersion", message: `${why}; must be one of ${offered}` }]);
      }
      try {
        planKubernetesUpgrade({ current: { controlPlane, pools }, target: resolved, catalog, policy: filter });
      } catch (err) {
        return badRequest([{ field: "targetVersion", message: `cannot plan an upgrade to ${resolved}: ${err instanceof Error ? err.message : String(err)}; ${offered}` }]);
      }
      target = resolved;
    } else {
      const choice = await policyTarget(p, cluster);
      if (choice.kind === "none") return problem(409, "NothingToUpgrade", `No upgrade for ${id}: ${choice.reason}`);
      target = choice.target;
    }

    const started = await startKubernetesUpgrade(p, clientOf(request), { cluster, target, trigger: { type: "http", by: principalName(request) ?? "anonymous" }, resume: true });
    if (started.outcome === "held") {
      // The event path and the sweep wait for the hold too: an operator releases it from its Teams card (GET /api/holds/{token}), which starts the upgrade.
      return problem(409, "UpgradeHeld", `${id} is under budget hold ${started.holdId}: an upgrade to a new minor (${target}) waits until the hold is released from its Teams card; patches go ahead`, { holdId: started.holdId, targetVersion: target });
    }
    if (started.outcome === "exists") {
      return problem(409, "UpgradeExists", `The upgrade of ${id} to ${target} is ${started.status}`, { operationId: started.operationId, statusUrl: statusUrl(p, started.operationId) });
    }
    return json(202, { operationId: started.operationId, instanceId: started.instanceId, resumed: started.outcome === "rerun", targetVersion: target, statusUrl: statusUrl(p, started.operationId) });
  };
}

/** App Service authentication's caller (`x-ms-client-principal-name`), when present. */
export function principalName(request: HttpRequest): string | undefined {
  return request.headers.get("x-ms-client-principal-name") ?? undefined;
}
