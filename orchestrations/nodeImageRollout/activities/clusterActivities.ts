import { effectiveNodeImageWindow, NODE_OS_MAINTENANCE_CONFIGURATION } from "../../../shared/domain/policy";
import type { MaintenanceWindowSpec } from "../../../shared/domain/maintenanceSchedule";
import { nextWindow } from "../../../shared/domain/maintenanceWindow";
import { DuplicateError } from "../../../shared/store";
import type { ArmRead, ClusterImageState, NodeImageUpgradeInput, PoolImageState, PreparedNodeImageUpgrade } from "../contracts";
import { nodeImagePolicyOf } from "./clusterPolicy";
import { ArmCallError, failureOf, coordinatesOf, type NodeImageActivityDeps } from "./deps";
import type { NodeImageOperationRecord } from "./records";
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { ReadinessReport } from "../../../shared/domain/readiness";
import { nodeImageReadinessOfObserved } from "../../kubernetesUpgrade/activities/readiness";

/**
 * Creates the cluster's operation record (once: a re-run finds it) and works out the window that
 * governs node images on it: the cluster's `aksManagedNodeOSUpgradeSchedule` read through ARM, else
 * the policy's fallback. A manual start does not need the window, so it skips that read.
 */
export function createPrepareNodeImageUpgrade(deps: Pick<NodeImageActivityDeps, "aks" | "store" | "clock">) {
  return async (input: NodeImageUpgradeInput & { instanceId?: string; at?: string }): Promise<ArmRead<PreparedNodeImageUpgrade>> => {
    const stored = await deps.store.clusters.get(input.clusterId);
    if (!stored) return { outcome: "notFound", error: { code: "ClusterNotRegistered", message: `Cluster ${input.clusterId} is not registered with the platform` } };
    const cluster = stored.doc;
    const policy = nodeImagePolicyOf(cluster);
    // The orchestration's time (replay-safe, and the virtual clock in local tests), else this host's.
    const at = input.at ?? new Date(deps.clock.now()).toISOString();
    const record: NodeImageOperationRecord = {
      id: input.operationId, clusterId: input.clusterId, kind: "nodeImageRollout",
      trigger: input.mode === "manual" ? { type: "http", by: input.requestedBy ?? "operator" } : { type: "timer", by: input.mode === "catchUp" ? "nodeImageCatchUp" : "nodeImageRollout" },
      status: "Pending", ...(input.instanceId ? { instanceId: input.instanceId } : {}),
      targetVersion: "latest node image", steps: [], approvals: [],
      timings: { createdAt: at, updatedAt: at },
      nodeImage: {
        mode: input.mode, environment: cluster.environment, pools: [], skips: [],
        ...(input.rolloutId !== undefined ? { rolloutId: input.rolloutId } : {}), ...(input.ring !== undefined ? { ring: input.ring } : {}),
        ...(input.mode === "catchUp" && input.catchUpOf ? { catchUpOf: input.catchUpOf } : {})
      }
    };
    let configurations: { name?: string; maintenanceWindow?: MaintenanceWindowSpec }[] = [];
    if (input.mode !== "manual") {
      const { resourceGroup, cluster: name } = coordinatesOf(cluster.resourceId);
      try {
        const configuration = await deps.aks.maintenanceConfigurations.get(resourceGroup, name, NODE_OS_MAINTENANCE_CONFIGURATION);
        configurations = [{ name: configuration.name ?? NODE_OS_MAINTENANCE_CONFIGURATION, maintenanceWindow: jsonSafe(configuration.maintenanceWindow) as MaintenanceWindowSpec | undefined }];
      } catch (err) {
        const failure = failureOf(err);
        // Throttling goes back to the engine's activity proxy, which waits Retry-After on a durable timer.
        if (failure.kind === "throttled") throw err;
        if (failure.kind === "notFound" && /maintenance/i.test(failure.message)) configurations = [];
        else if (failure.kind === "notFound") return { outcome: "notFound", error: { code: failure.code, message: failure.message } };
        else throw new ArmCallError("MaintenanceConfigurations_Get", cluster.resourceId, { code: failure.code, message: failure.message }, failure.status);
      }
    }
    const effective = effectiveNodeImageWindow(configurations, policy);
    const next = input.mode === "manual" ? undefined : nextWindow(effective.window, at);
    if (next) {
      record.nodeImage.window = { ...next, source: effective.source };
      record.nodeImage.waitingFor = `maintenance window ${next.start} – ${next.end}`;
    }
    // Created once, with its window: a re-run finds it (and the same window, from the same `at`).
    try {
      await deps.store.operations.create(record);
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
    }
    return {
      ...(next ? { next } : {}),
      outcome: "ok",
      resourceId: cluster.resourceId,
      environment: cluster.environment,
      approval: { mode: policy.approval, timeoutMinutes: policy.approvalTimeoutMinutes, onTimeout: policy.onApprovalTimeout },
      healthGate: policy.healthGate,
      window: {
        source: effective.source, spec: jsonSafe(effective.window) as MaintenanceWindowSpec,
        ...(effective.ignored ? { note: `cluster schedule ignored: ${effective.ignored.map((i) => `${i.field} ${i.message}`).join("; ")}` } : {})
      }
    };
  };
}

/**
 * The cluster's power state and, per pool, the node image it runs against the newest its upgrade
 * profile offers. One GET of the cluster (pools and their `nodeImageVersion` come with it) and one
 * upgrade-profile GET per pool; a stopped cluster costs one request.
 */
export function createReadNodeImageState(deps: Pick<NodeImageActivityDeps, "aks"> & Partial<Pick<NodeImageActivityDeps, "readiness" | "store">>) {
  return async (input: { clusterId: string; resourceId: string; operationId?: string }): Promise<ArmRead<ClusterImageState>> => {
    const { resourceGroup, cluster } = coordinatesOf(input.resourceId);
    try {
      const mc = await deps.aks.managedClusters.get(resourceGroup, cluster);
      const powerState = mc.powerState?.code ?? "Running";
      const pools: PoolImageState[] = [];
      if (powerState !== "Stopped") {
        for (const p of mc.agentPoolProfiles ?? []) {
          const profile = await deps.aks.agentPools.getUpgradeProfile(resourceGroup, cluster, p.name);
          pools.push({
            pool: p.name, mode: p.mode ?? "User", current: p.nodeImageVersion ?? "",
            latest: profile.latestNodeImageVersion ?? p.nodeImageVersion ?? "",
            ...(p.provisioningState ? { provisioningState: p.provisioningState } : {}), nodeCount: p.count ?? 0
          });
        }
      }
      // System pools first (our choice): a bad image shows on the pools that run the cluster's add-ons before user workloads are touched.
      pools.sort((a, b) => Number(b.mode === "System") - Number(a.mode === "System") || a.pool.localeCompare(b.pool));
      const readiness = powerState === "Stopped" ? undefined : await storedReadiness(deps, input, mc, pools.find((p) => p.current !== p.latest)?.latest ?? "");
      return { outcome: "ok", powerState, provisioningState: mc.provisioningState ?? "Succeeded", pools, ...(readiness ? { readiness } : {}) };
    } catch (err) {
      const failure = failureOf(err);
      if (failure.kind === "throttled") throw err;
      if (failure.kind === "notFound") return { outcome: "notFound", error: { code: failure.code, message: failure.message } };
      throw new ArmCallError("ManagedClusters_Get", input.resourceId, { code: failure.code, message: failure.message }, failure.status);
    }
  };
}

/**
 * The node-image readiness report (issue 30) from the cluster just read plus the Compute and VNet
 * usages, stored on the operation's plan before any approval is asked (its target: the node image
 * the plan brings the first pool to, which the plan record keeps it under). Best effort: a failed
 * read leaves the plan without a report.
 */
async function storedReadiness(
  deps: Partial<Pick<NodeImageActivityDeps, "readiness" | "store">>, input: { clusterId: string; operationId?: string }, mc: ManagedCluster, target: string
): Promise<ReadinessReport | undefined> {
  if (!deps.readiness || !deps.store || !input.operationId) return undefined;
  let report: ReadinessReport;
  try {
    report = await nodeImageReadinessOfObserved(deps.readiness, input.clusterId, mc, target);
  } catch {
    return undefined;
  }
  const operationId = input.operationId;
  await deps.store.operations.mutate(input.clusterId, operationId, (op) => {
    if (op.steps.some((s) => s.status !== "Pending") || JSON.stringify(op.plan?.readiness) === JSON.stringify(report)) return undefined;
    return { ...op, plan: { target, steps: op.plan?.target === target ? op.plan.steps : [], readiness: report } };
  });
  return report;
}

/** Dates (the SDK deserialises `startDate`, `notAllowedDates`) as `yyyy-mm-dd`, so the window crosses the durable boundary as the wire has it. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

/**
 * Whether an operator cancelled a cluster's node-image operation (`POST /api/operations/{id}/cancel`
 * terminates its instance, which its page sees as a failed sub-orchestration): the page counts it
 * as skipped, with who cancelled, not as a failure against the ring's budget.
 */
export function createReadOperationCancellation(deps: Pick<NodeImageActivityDeps, "store">) {
  return async (request: { clusterId: string; operationId: string }): Promise<{ by?: string; reason?: string }> => {
    const c = (await deps.store.operations.get(request.clusterId, request.operationId))?.doc.cancellation;
    return c ? { by: c.by, ...(c.reason ? { reason: c.reason } : {}) } : {};
  };
}
