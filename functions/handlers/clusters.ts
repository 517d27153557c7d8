import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import { adoptionRecordPlan, type AdoptionInput } from "../../orchestrations/adoption/adoptionOrchestrator";
import { parseClusterResourceId } from "../../orchestrations/common/activities/armIds";
import { ENVIRONMENTS, PolicyValidationError, resolvePolicy, validatePolicy, type Environment } from "../../shared/domain/policy";
import { DuplicateError, isoNow, type ClusterRecord, type FindingRecord, type ObservedClusterState, type OperationRecord } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import { startOperation, type OperationStart } from "../../orchestrations/startOperation";
import { badRequest, isRecord, json, problem, readJson, unknownFields, type FieldIssue } from "./http";
import { governanceView } from "./governance";
import type { Platform } from "../runtime/platform";
import { failureOf } from "../../shared/domain/failures";
import { refuseUnmanagedSubscription } from "./managedSubscription";

interface AdoptRequest {
  resourceId: string;
  environment: Environment;
  policy?: Record<string, unknown>;
}

export function validateAdoptRequest(body: unknown): { ok: true; value: AdoptRequest } | { ok: false; issues: FieldIssue[] } {
  if (!isRecord(body)) return { ok: false, issues: [{ field: "body", message: "must be a JSON object" }] };
  const issues = unknownFields(body, ["resourceId", "environment", "policy"]);
  if (typeof body.resourceId !== "string" || !parseClusterResourceId(body.resourceId)) {
    issues.push({ field: "resourceId", message: "must be a managed cluster resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/…)" });
  }
  if (typeof body.environment !== "string" || !(ENVIRONMENTS as readonly string[]).includes(body.environment)) {
    issues.push({ field: "environment", message: `must be one of ${ENVIRONMENTS.join(", ")}` });
  }
  if (body.policy !== undefined) issues.push(...validatePolicy(body.policy, { partial: true }));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { resourceId: String(body.resourceId), environment: body.environment as Environment, ...(isRecord(body.policy) ? { policy: body.policy } : {}) } };
}

/**
 * `POST /api/clusters/adopt`: validates (every bad field named, nothing written), reads the
 * cluster through ARM, registers it (id = cluster name; another cluster of that name → 409, the
 * same cluster again → 200 with its adoption, and its environment and policy replaced by the
 * request's: how a policy is changed later), then starts the adoption operation → 202.
 */
export function createAdoptClusterHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const body = await readJson(request);
    if (!body.ok) return body.response;
    const valid = validateAdoptRequest(body.value);
    if (!valid.ok) return badRequest(valid.issues);
    const { resourceId, environment } = valid.value;
    const ref = parseClusterResourceId(resourceId)!;
    const unmanaged = await refuseUnmanagedSubscription(p, "resourceId", ref.subscriptionId);
    if (unmanaged) return unmanaged;

    let policy;
    try {
      const overrides = valid.value.policy && valid.value.policy.onApprovalTimeout === "escalate" && valid.value.policy.escalationChannel === undefined && p.escalationWebhookUrl
        ? { ...valid.value.policy, escalationChannel: p.escalationWebhookUrl }
        : valid.value.policy;
      policy = resolvePolicy(environment, overrides);
    } catch (err) {
      if (err instanceof PolicyValidationError) return badRequest(err.issues);
      throw err;
    }

    let managed: ManagedCluster;
    try {
      managed = await p.armFor(ref.subscriptionId).containerService.managedClusters.get(ref.resourceGroup, ref.name);
    } catch (err) {
      const failure = failureOf(err);
      if (failure.kind === "notFound") return problem(404, "ClusterNotFound", `ARM has no managed cluster ${resourceId}: ${failure.message}`);
      if (failure.status === 400 || failure.status === 403) return problem(400, "ClusterNotReadable", `ARM refused to read ${resourceId}: ${failure.code}: ${failure.message}`);
      throw err;
    }

    const now = isoNow(p.clock);
    // ARM ids are case-insensitive; the registry keeps ARM's own spelling of the name and id.
    const canonicalId = managed.id ?? resourceId;
    const canonical = parseClusterResourceId(canonicalId) ?? ref;
    const record: ClusterRecord = {
      id: managed.name ?? canonical.name, resourceId: canonicalId, subscriptionId: canonical.subscriptionId, resourceGroup: canonical.resourceGroup, environment, policy,
      spec: {
        location: managed.location ?? "",
        kubernetesVersion: managed.kubernetesVersion ?? managed.currentKubernetesVersion ?? "",
        pools: (managed.agentPoolProfiles ?? []).map((pool) => ({
          name: pool.name ?? "", mode: pool.mode === "System" ? "System" : "User", count: pool.count ?? 0,
          ...(pool.vmSize ? { vmSize: pool.vmSize } : {}), ...(pool.upgradeSettings?.maxSurge ? { maxSurge: pool.upgradeSettings.maxSurge } : {})
        })),
        upgradeChannel: "none", nodeOSUpgradeChannel: "None"
      },
      observed: observedFrom(managed, now),
      eventTopic: canonicalId,
      lock: { queue: [] },
      createdAt: now, updatedAt: now
    };
    // A resource id belongs to one record: the cluster adopted again, in any spelling, is that record.
    const owner = await p.store.clusters.findOwner(canonicalId);
    let created = false;
    if (!owner) {
      try {
        await p.store.clusters.create(record);
        created = true;
      } catch (err) {
        if (!(err instanceof DuplicateError)) throw err;
      }
    }
    const existing = created ? undefined : owner ?? (await p.store.clusters.get(record.id))?.doc;
    if (existing) {
      if (existing.resourceId.toLowerCase() !== canonicalId.toLowerCase()) {
        return problem(409, "ClusterNameTaken", `Another cluster named ${existing.id} is registered (${existing.resourceId}); cluster names are unique in the registry, in any case`, { clusterId: existing.id });
      }
      if (existing.provisioning) {
        return problem(409, "ClusterBeingProvisioned", `${existing.id} is being provisioned (operation ${existing.provisioning.operationId}); it is registered when that ends`, { clusterId: existing.id, operationId: existing.provisioning.operationId });
      }
      record.id = existing.id;
    }
    const operationId = InstanceIds.adoption(record.id);
    if (existing) {
      // The same cluster again: its policy may be changed this way later ("overridable at adoption or later").
      const policyChanged = existing.environment !== environment || JSON.stringify(existing.policy) !== JSON.stringify(policy);
      if (policyChanged) await p.store.clusters.mutate(record.id, (c) => ({ ...c, environment, policy }));
      const started = await startAdoption(p, clientOf(request), record, managed, operationId, now);
      if (started.outcome === "exists") {
        return json(200, { operationId, status: started.status, statusUrl: statusUrl(p, operationId), clusterId: record.id, policyUpdated: policyChanged });
      }
      return json(202, { operationId, statusUrl: statusUrl(p, operationId), clusterId: record.id });
    }
    await startAdoption(p, clientOf(request), record, managed, operationId, now);
    return json(202, { operationId, statusUrl: statusUrl(p, operationId), clusterId: record.id });
  };
}

async function startAdoption(p: Platform, client: DurableClientPort, cluster: ClusterRecord, managed: ManagedCluster, operationId: string, now: string): Promise<OperationStart> {
  const profile = managed.autoUpgradeProfile ?? {};
  const input: AdoptionInput = { operationId, clusterId: cluster.id, resourceId: cluster.resourceId, location: cluster.spec.location, polling: p.config.operationPolling, environment: cluster.environment, governanceReview: true };
  const { plan, steps } = adoptionRecordPlan(input, `${profile.upgradeChannel ?? "unset"} / ${profile.nodeOSUpgradeChannel ?? "unset"}`);
  const op: OperationRecord = {
    id: operationId, clusterId: cluster.id, kind: "adoption", trigger: { type: "http" }, status: "Pending", instanceId: operationId,
    plan, steps, approvals: [], timings: { createdAt: now, updatedAt: now }
  };
  // Adopted once: the same cluster again finds its adoption (and may change its policy, above).
  return startOperation(p, client, {
    orchestrator: OrchestratorNames.adoption, record: op,
    input: () => input
  });
}

export function statusUrl(p: Platform, operationId: string): string {
  return `${p.config.publicBaseUrl}/api/operations/${encodeURIComponent(operationId)}`;
}

export function observedFrom(managed: ManagedCluster, at: string): ObservedClusterState {
  return {
    at,
    kubernetesVersion: managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? "",
    ...(managed.provisioningState ? { provisioningState: managed.provisioningState } : {}),
    ...(managed.powerState?.code ? { powerState: managed.powerState.code } : {}),
    pools: (managed.agentPoolProfiles ?? []).map((pool) => ({
      name: pool.name ?? "", mode: pool.mode ?? "User", orchestratorVersion: pool.currentOrchestratorVersion ?? pool.orchestratorVersion ?? "",
      count: pool.count ?? 0,
      ...(pool.nodeImageVersion ? { nodeImageVersion: pool.nodeImageVersion } : {}),
      ...(pool.provisioningState ? { provisioningState: pool.provisioningState } : {}),
      ...(pool.powerState?.code ? { powerState: pool.powerState.code } : {})
    }))
  };
}

/** `GET /api/clusters` */
export function createListClustersHandler(p: Platform) {
  return async (): Promise<HttpResponseInit> => {
    const clusters = await p.store.clusters.list();
    const failing = await p.store.findings.failingByCluster();
    return json(200, { value: await Promise.all(clusters.map((c) => clusterView(p, c, failing.get(c.id) ?? []))) });
  };
}

/**
 * The registered cluster a route's `{id}` names, in any case (`AKS-PROD` is `aks-prod`), or the
 * 404 to answer: no such cluster, or one still being provisioned (not a cluster until it exists).
 * Callers key everything else (operations, findings) by the record's own `id`.
 */
export async function registeredCluster(p: Platform, id: string): Promise<{ cluster: ClusterRecord } | { response: HttpResponseInit }> {
  const cluster = (await p.store.clusters.get(id))?.doc;
  if (!cluster) return { response: problem(404, "ClusterNotFound", `No registered cluster ${id}`) };
  if (cluster.provisioning) {
    const { operationId } = cluster.provisioning;
    return { response: problem(404, "ClusterNotFound", `${cluster.id} is not a registered cluster yet: it is being provisioned (operation ${operationId}) and is registered once it exists`, { operationId, statusUrl: statusUrl(p, operationId) }) };
  }
  return { cluster };
}

/** `GET /api/clusters/{id}`: observed versions refreshed from ARM (the last observed ones if ARM cannot be read). */
export function createGetClusterHandler(p: Platform) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const found = await registeredCluster(p, request.params.id ?? "");
    if ("response" in found) return found.response;
    let cluster = found.cluster;
    const id = cluster.id;
    let fresh = false;
    try {
      const ref = parseClusterResourceId(cluster.resourceId)!;
      const managed = await p.armFor(ref.subscriptionId).containerService.managedClusters.get(ref.resourceGroup, ref.name);
      const observed = observedFrom(managed, isoNow(p.clock));
      cluster = (await p.store.clusters.mutate(id, (c) => ({ ...c, observed }))).doc;
      fresh = true;
    } catch {
      // ARM unreachable or throttled: the last observed state is still the best answer.
    }
    return json(200, { ...(await clusterView(p, cluster)), observedFresh: fresh, governance: await governanceView(p, cluster) });
  };
}

/** `failing`: the cluster's failing findings when the caller read the fleet's at once (the list). */
async function clusterView(p: Platform, c: ClusterRecord, failing?: Pick<FindingRecord, "severity" | "category">[]): Promise<Record<string, unknown>> {
  const summary = async (operationId: string): Promise<Record<string, unknown>> => {
    const op = (await p.store.operations.get(c.id, operationId))?.doc;
    return { operationId, kind: op?.kind, status: op?.status, targetVersion: op?.targetVersion, statusUrl: statusUrl(p, operationId) };
  };
  const holder = c.lock?.holder;
  const open = failing ?? await p.store.findings.listByCluster(c.id, { status: "fail" });
  const count = <K extends string>(key: (f: (typeof open)[number]) => K): Record<string, number> =>
    open.reduce<Record<string, number>>((acc, f) => ({ ...acc, [key(f)]: (acc[key(f)] ?? 0) + 1 }), {});
  return {
    id: c.id, resourceId: c.resourceId, environment: c.environment, policy: c.policy, spec: c.spec, observed: c.observed,
    versions: c.observed ? { controlPlane: c.observed.kubernetesVersion, pools: Object.fromEntries(c.observed.pools.map((pool) => [pool.name, pool.orchestratorVersion])) } : undefined,
    activeOperation: holder ? await summary(holder.operationId) : null,
    queuedOperations: await Promise.all((c.lock?.queue ?? []).map((e, i) => summary(e.operationId).then((s) => ({ ...s, position: i + 1 })))),
    // Open findings (conformance and drift) as counts; GET /api/clusters/{id}/conformance has the detail.
    findings: { open: open.length, bySeverity: count((f) => f.severity), byCategory: count((f) => f.category) },
    createdAt: c.createdAt, updatedAt: c.updatedAt
  };
}
