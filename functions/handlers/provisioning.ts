import { createHash } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { ProvisioningInput, ProvisioningSection } from "../../orchestrations/provisioning/contracts";
import { ENVIRONMENT_PROFILES, validateProvisionRequest, type ProvisionRequest } from "../../shared/domain/baseline";
import { PolicyValidationError, resolvePolicy } from "../../shared/domain/policy";
import { DuplicateError, isoNow, terminalOperationStatuses, type ClusterRecord, type OperationRecord } from "../../shared/store";
import { instanceExists, startOnce, type DurableClientPort } from "./durableClient";
import { badRequest, json, problem, readJson } from "./http";
import { statusUrl } from "./clusters";
import type { Platform } from "../runtime/platform";

type WithProvisioning = OperationRecord & { provisioning?: ProvisioningSection };

/** A stable fingerprint of the request (object keys sorted), so key order does not make it a different body. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => Array.isArray(v) ? v.map(canonical)
    : typeof v === "object" && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash("sha256").update(JSON.stringify(canonical(value))).digest("hex");
}

/**
 * `POST /api/clusters` with a `network`: provisions a baseline cluster. Validation names every
 * invalid field before anything is written. The same body again answers `200` with the operation
 * while it runs; once it has ended (succeeded or failed), the same body runs it again from a fresh
 * plan (`202`, `rerun`): what exists plans as no change, so a failed run continues at its failed
 * resource. A different body for a name already registered is `409`.
 */
export function createProvisionClusterHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const body = await readJson(request);
    if (!body.ok) return body.response;
    const valid = validateProvisionRequest(body.value);
    if (!valid.ok) return badRequest(valid.issues);
    const req: ProvisionRequest = valid.value;
    let policy;
    try {
      // A budget amount given as an override is the cluster's governed amount too (governance keeps it).
      const budgetAmount = req.policy?.governance?.budgetAmount ?? req.overrides?.budgetAmount;
      policy = resolvePolicy(req.environment, budgetAmount === undefined ? req.policy : { ...req.policy, governance: { ...req.policy?.governance, budgetAmount } });
    } catch (err) {
      if (err instanceof PolicyValidationError) return badRequest(err.issues);
      throw err;
    }
    const hash = requestHash(req);
    const operationId = InstanceIds.provisioning(req.name);
    const client = clientOf(request);
    const now = isoNow(p.clock);
    const resourceGroup = `rg-${req.name}`;
    const resourceId = `/subscriptions/${p.config.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${req.name}`;
    const env = ENVIRONMENT_PROFILES[req.environment];
    const o = req.overrides ?? {};
    const cluster: ClusterRecord = {
      id: req.name, resourceId, subscriptionId: p.config.subscriptionId, resourceGroup, environment: req.environment, policy,
      spec: {
        location: req.location, kubernetesVersion: o.kubernetesVersion ?? "",
        pools: [
          { name: "npsystem", mode: "System", count: o.systemPool?.count ?? env.system.count, vmSize: o.systemPool?.vmSize ?? env.system.vmSize, maxSurge: "33%" },
          { name: "npuser01", mode: "User", count: o.userPool?.count ?? env.user.count, vmSize: o.userPool?.vmSize ?? env.user.vmSize, maxSurge: "33%" }
        ],
        upgradeChannel: "none", nodeOSUpgradeChannel: "None", settings: { baseline: req.environment }
      },
      lock: { queue: [] }, createdAt: now, updatedAt: now
    };
    const input: ProvisioningInput = { operationId, clusterId: req.name, request: req, polling: p.config.upgradePolling };
    try {
      await p.store.clusters.create(cluster);
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
      const existing: WithProvisioning | undefined = (await p.store.operations.get(req.name, operationId))?.doc;
      if (!existing?.provisioning) return problem(409, "ClusterNameTaken", `A cluster named ${req.name} is already registered (adopted, not provisioned here); cluster names are unique in the registry`);
      if (existing.provisioning.requestHash !== hash) {
        return problem(409, "ProvisioningRequestDiffers", `Cluster ${req.name} was provisioned from a different request (operation ${operationId}); the same name needs the same body`);
      }
      if (!terminalOperationStatuses.includes(existing.status)) {
        return json(200, { operationId, status: existing.status, statusUrl: statusUrl(p, operationId), clusterId: req.name });
      }
      const resumes = (existing.resumes ?? 0) + 1;
      const instanceId = `${operationId}:run-${resumes}`;
      let flipped = false;
      await p.store.operations.mutate(req.name, operationId, (op) => {
        if (!terminalOperationStatuses.includes(op.status) || (op.resumes ?? 0) + 1 !== resumes) return undefined;
        flipped = true;
        const { outcome: _o, cancellation: _c, ...rest } = op;
        return { ...rest, status: "Pending", resumes, instanceId, timings: { createdAt: op.timings.createdAt, updatedAt: now } };
      });
      if (!flipped) return json(200, { operationId, statusUrl: statusUrl(p, operationId), clusterId: req.name });
      await startOnce(client, OrchestratorNames.provisioning, instanceId, input);
      return json(202, { operationId, instanceId, rerun: true, statusUrl: statusUrl(p, operationId), clusterId: req.name });
    }
    const op: WithProvisioning = {
      id: operationId, clusterId: req.name, kind: "provisioning", trigger: { type: "http" }, status: "Pending", instanceId: operationId,
      steps: [], approvals: [], timings: { createdAt: now, updatedAt: now },
      provisioning: { clusterResourceId: resourceId, requestHash: hash, request: req }
    };
    try {
      await p.store.operations.create(op);
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
    }
    // Parallel identical requests race to start it: the loser's 409 from the extension is "already started".
    if (!(await instanceExists(client, operationId))) await startOnce(client, OrchestratorNames.provisioning, operationId, input);
    return json(202, { operationId, statusUrl: statusUrl(p, operationId), clusterId: req.name });
  };
}
