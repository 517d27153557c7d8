import { createHash } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { ProvisioningInput, ProvisioningSection } from "../../orchestrations/provisioning/contracts";
import { ENVIRONMENT_PROFILES, POOL_MAX_SURGE, validateProvisionRequest, type ProvisionRequest } from "../../shared/domain/baseline";
import { PolicyValidationError, resolvePolicy, type ClusterPolicy } from "../../shared/domain/policy";
import { isKubernetesVersion, lineRejection, minorKey, parseKubernetesVersion, parseMinorVersion, supportedLines, supportedPatches } from "../../shared/domain/versions";
import { cosmosStatus, DuplicateError, isoNow, terminalOperationStatuses, type ClusterRecord, type OperationRecord } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import { startOperation } from "../../orchestrations/startOperation";
import { badRequest, isRecord, json, problem, readJson, type FieldIssue } from "./http";
import { statusUrl } from "./clusters";
import { readCatalog } from "./targets";
import type { Platform } from "../runtime/platform";
import { failureOf } from "../../shared/domain/failures";
import { provisioningSubscription } from "./managedSubscription";

type WithProvisioning = OperationRecord & { provisioning?: ProvisioningSection };

/** A stable fingerprint of the request (object keys sorted), so key order does not make it a different body. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => Array.isArray(v) ? v.map(canonical)
    : typeof v === "object" && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash("sha256").update(JSON.stringify(canonical(value))).digest("hex");
}

/**
 * `POST /api/clusters` with a `network`: provisions a baseline cluster. Validation names every
 * invalid field before anything is written (the Kubernetes version against the region's list, node
 * counts against the address space). The same body again answers `200` with the operation while it
 * runs; once it has ended (succeeded or failed), the same body runs it again from a fresh plan
 * (`202`, `rerun`): what exists plans as no change, so a failed run continues at its failed
 * resource. A different body for a name already registered is `409`.
 *
 * Names are case-insensitive (`AKS-PROD` is `aks-prod`): a name taken in any case, a resource id
 * another record owns, or a managed cluster that exists in ARM without this provisioning having
 * created it is `409` (the last is an adoption, `POST /api/clusters/adopt`), with nothing written.
 *
 * Writes, in order: the cluster record (marked `provisioning`: it holds the name and the lock but is
 * not a cluster until the flow registers it, once the cluster exists), then the operation, then the
 * orchestration. Each step is idempotent and the same request finds what the last one left (a
 * record without its operation, an operation without its instance) and carries on, so a failure
 * between two writes (a Cosmos 429 answers `503` with Retry-After) never makes the name unusable.
 */
export function createProvisionClusterHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    try {
      return await provision(p, request, clientOf);
    } catch (err) {
      if (cosmosStatus(err) !== 429) throw err;
      const retryAfterMs = (err as { retryAfterInMs?: unknown }).retryAfterInMs;
      return {
        ...problem(503, "StoreThrottled", "The registry is throttled (Cosmos DB 429); the same request again carries on from what was written"),
        headers: { "retry-after": String(Math.max(1, Math.ceil((typeof retryAfterMs === "number" ? retryAfterMs : 1000) / 1000))) }
      };
    }
  };
}

async function provision(p: Platform, request: HttpRequest, clientOf: (request: HttpRequest) => DurableClientPort): Promise<HttpResponseInit> {
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const valid = validateProvisionRequest(body.value);
  let policy: ClusterPolicy | undefined;
  const issues = valid.ok ? [] : [...valid.issues];
  if (valid.ok) {
    try {
      const req = valid.value;
      // A budget amount given as an override is the cluster's governed amount too (governance keeps it).
      const budgetAmount = req.policy?.governance?.budgetAmount ?? req.overrides?.budgetAmount;
      policy = resolvePolicy(req.environment, budgetAmount === undefined ? req.policy : { ...req.policy, governance: { ...req.policy?.governance, budgetAmount } });
    } catch (err) {
      if (!(err instanceof PolicyValidationError)) throw err;
      issues.push(...err.issues);
    }
  }
  // The Kubernetes version against what the region offers (one ARM read), named with the other issues.
  const versionCheck = await kubernetesVersionIssues(p, body.value, policy?.allowPreview ?? false, issues);
  if ("response" in versionCheck) return versionCheck.response;
  issues.push(...versionCheck.issues);
  const target = await provisioningSubscription(p, body.value, issues);
  if ("response" in target) return target.response;
  if (!valid.ok || !policy || issues.length > 0) return badRequest(issues);
  const req: ProvisionRequest = valid.value;
  const { subscriptionId } = target;
  const hash = requestHash(req);
  const operationId = InstanceIds.provisioning(req.name);
  const client = clientOf(request);
  const now = isoNow(p.clock);
  const resourceGroup = `rg-${req.name}`;
  const resourceId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${req.name}`;
  const input: ProvisioningInput = { operationId, clusterId: req.name, request: req, polling: p.config.operationPolling };
  const env = ENVIRONMENT_PROFILES[req.environment];
  const o = req.overrides ?? {};
  const cluster: ClusterRecord = {
    id: req.name, resourceId, subscriptionId, resourceGroup, environment: req.environment, policy,
    spec: {
      location: req.location, kubernetesVersion: o.kubernetesVersion ?? "",
      pools: [
        { name: "npsystem", mode: "System", count: o.systemPool?.count ?? env.system.count, vmSize: o.systemPool?.vmSize ?? env.system.vmSize, maxSurge: POOL_MAX_SURGE },
        { name: "npuser01", mode: "User", count: o.userPool?.count ?? env.user.count, vmSize: o.userPool?.vmSize ?? env.user.vmSize, maxSurge: POOL_MAX_SURGE }
      ],
      upgradeChannel: "none", nodeOSUpgradeChannel: "None", settings: { baseline: req.environment }
    },
    provisioning: { operationId, requestHash: hash },
    lock: { queue: [] }, createdAt: now, updatedAt: now
  };
  const op: WithProvisioning = {
    id: operationId, clusterId: req.name, kind: "provisioning", trigger: { type: "http" }, status: "Pending", instanceId: operationId,
    steps: [], approvals: [], timings: { createdAt: now, updatedAt: now },
    provisioning: { clusterResourceId: resourceId, requestHash: hash, request: req }
  };
  const ctx: Ctx = { p, client, req, hash, operationId, input, op };

  const existing = (await p.store.clusters.get(req.name))?.doc;
  if (existing) return resume(ctx, existing);
  // Nothing is written yet: the resource id and the managed cluster must be nobody's.
  const owner = await p.store.clusters.findOwner(resourceId);
  if (owner) return problem(409, "ClusterOwned", `${resourceId} is the cluster ${owner.id}, already registered; provisioning never writes over another record's cluster`, { clusterId: owner.id });
  const inArm = await managedClusterExists(p, subscriptionId, resourceGroup, req.name);
  if (typeof inArm !== "boolean") return inArm;
  if (inArm) {
    return problem(409, "ClusterExists", `The managed cluster ${resourceId} already exists in ARM and was not created by this platform; provisioning would write the baseline over it. Adopt it instead (POST /api/clusters/adopt)`, { resourceId });
  }
  try {
    await p.store.clusters.create(cluster);
  } catch (err) {
    if (!(err instanceof DuplicateError)) throw err;
    // Another request took the name (in some case) meanwhile.
    const taken = (await p.store.clusters.get(req.name))?.doc;
    if (taken) return resume(ctx, taken);
    throw err;
  }
  return startProvisioning(ctx);
}

interface Ctx {
  p: Platform;
  client: DurableClientPort;
  req: ProvisionRequest;
  hash: string;
  operationId: string;
  input: ProvisioningInput;
  op: WithProvisioning;
}

/**
 * Writes the operation (if missing) and starts its instance (if missing), or runs an ended one
 * again with the same request (orchestrations/startOperation.ts has the rules).
 */
async function startProvisioning(ctx: Ctx, resumed = false): Promise<HttpResponseInit> {
  const { p, client, operationId, req } = ctx;
  const started = await startOperation(p, client, {
    orchestrator: OrchestratorNames.provisioning, record: ctx.op, input: () => ctx.input, rerunFrom: terminalOperationStatuses
  });
  const base = { operationId, statusUrl: statusUrl(p, operationId), clusterId: req.name };
  if (started.outcome === "exists") return json(200, { ...base, status: started.status });
  if (started.outcome === "rerun") return json(202, { ...base, instanceId: started.instanceId, rerun: true });
  return json(202, { ...base, ...(resumed ? { resumed: true } : {}) });
}

/** The name is taken: by this same request (carry on), by another request, or by another cluster. */
async function resume(ctx: Ctx, existing: ClusterRecord): Promise<HttpResponseInit> {
  const { p, req, hash, operationId } = ctx;
  if (existing.id !== req.name) {
    return problem(409, "ClusterNameTaken", `A cluster named ${existing.id} is already registered, and cluster names are case-insensitive (${req.name} is ${existing.id}, ${existing.resourceId})`, { clusterId: existing.id });
  }
  const existingOp: WithProvisioning | undefined = (await p.store.operations.get(existing.id, operationId))?.doc;
  const requested = existing.provisioning?.requestHash ?? existingOp?.provisioning?.requestHash;
  if (!requested) return problem(409, "ClusterNameTaken", `A cluster named ${existing.id} is already registered (adopted, not provisioned here); cluster names are unique in the registry`, { clusterId: existing.id });
  if (requested !== hash) {
    return problem(409, "ProvisioningRequestDiffers", `Cluster ${req.name} was provisioned from a different request (operation ${operationId}); the same name needs the same body`);
  }
  // The same request again: written but not started (the request failed in between), running, or ended (run again).
  return startProvisioning(ctx, true);
}

/** Whether ARM has the managed cluster (one read), or the answer to give when ARM cannot say. */
async function managedClusterExists(p: Platform, subscriptionId: string, resourceGroup: string, name: string): Promise<boolean | HttpResponseInit> {
  try {
    await p.armFor(subscriptionId).containerService.managedClusters.get(resourceGroup, name);
    return true;
  } catch (err) {
    return armAnswer(err) ?? false;
  }
}

/** ARM's answer when it is not a 404: throttled or unavailable → 503 with Retry-After, anything else → 502. */
function armAnswer(err: unknown): HttpResponseInit | undefined {
  const failure = failureOf(err);
  if (failure.kind === "notFound") return undefined;
  if (failure.kind === "throttled" || failure.kind === "transient") {
    return { ...problem(503, "ArmUnavailable", `ARM could not be read: ${failure.code}: ${failure.message}`), headers: { "retry-after": String(Math.ceil((failure.retryAfterMs ?? 5_000) / 1000)) } };
  }
  return problem(502, "ArmReadFailed", `${failure.code}: ${failure.message}`);
}

/**
 * `overrides.kubernetesVersion` against the versions AKS offers in the request's region
 * (`listKubernetesVersions`, the location's release catalog): a `1.35` line must be offered with a
 * patch the policy allows, a `1.35.4` patch must be one of them. Read only when the version and
 * the location are otherwise valid.
 */
async function kubernetesVersionIssues(p: Platform, body: unknown, allowPreview: boolean, known: FieldIssue[]): Promise<{ issues: FieldIssue[] } | { response: HttpResponseInit }> {
  if (!isRecord(body) || !isRecord(body.overrides) || typeof body.overrides.kubernetesVersion !== "string" || typeof body.location !== "string") return { issues: [] };
  if (known.some((i) => i.field === "location" || i.field === "overrides.kubernetesVersion")) return { issues: [] };
  const requested = body.overrides.kubernetesVersion;
  let catalog;
  try {
    catalog = await readCatalog(p, body.location);
  } catch (err) {
    const answer = armAnswer(err);
    if (answer) return { response: answer };
    return { issues: [{ field: "location", message: `AKS lists no Kubernetes versions in ${body.location}` }] };
  }
  const filter = { allowPreview };
  const offered = supportedLines(catalog, filter).flatMap((line) => supportedPatches(catalog, line, filter));
  const line = isKubernetesVersion(requested) ? minorKey(parseKubernetesVersion(requested)) : minorKey(parseMinorVersion(requested));
  const ok = isKubernetesVersion(requested) ? offered.includes(requested) : supportedPatches(catalog, line, filter).length > 0;
  if (ok) return { issues: [] };
  const why = lineRejection(catalog, line, filter) ?? `AKS does not offer ${requested} in ${body.location}`;
  return { issues: [{ field: "overrides.kubernetesVersion", message: `${why}; must be one of ${offered.length > 0 ? offered.join(", ") : "none"} (or one of their release lines)` }] };
}
