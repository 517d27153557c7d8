import { assignWaves, baselineProfile, changeOf, resolveRefs, type PlannedResource } from "../../../shared/domain/baseline";
import { provisioningStateOf } from "../../../shared/domain/baseline/plan";
import type { ArmResourcePort } from "../../../shared/azure/arm-resources";
import { clusterKey, type ClusterRepository, type OperationRecord } from "../../../shared/store";
import { defaultPollingPolicy, type OperationPlanData, type PlanStep } from "../../engine/plan";
import type { Planned } from "../../engine/runOperation";
import { isoAt, type ActivityClock, type StorePort } from "../../common/activities/ports";
import type { ProvisioningInput, ProvisioningSection } from "../contracts";

export interface PlanProvisioningDeps {
  arm: ArmResourcePort;
  store: StorePort & { clusters: Pick<ClusterRepository, "findOwner"> };
  clock: ActivityClock;
  subscriptionId: string;
  budgetActionGroupId?: string;
}

/** The hub a request names does not exist (or cannot be read): the plan is refused, nothing is written. */
export class ExternalResourceMissingError extends Error {
  override readonly name = "ExternalResourceMissingError";
  readonly permanent = true as const;
  readonly code = "ExternalResourceNotFound";
  constructor(readonly resourceId: string) {
    super(`The request names ${resourceId}, which ARM does not have`);
  }
}

/**
 * The managed cluster the plan would write exists and was not created by this provisioning (or
 * another record owns it): writing the baseline over it would be an adoption without approval.
 * The plan is refused before anything is written.
 */
export class ClusterNotOwnedError extends Error {
  override readonly name = "ClusterNotOwnedError";
  readonly permanent = true as const;
  readonly code = "ClusterExists";
  constructor(readonly resourceId: string, readonly owner?: string) {
    super(owner
      ? `${resourceId} belongs to the registered cluster ${owner}; provisioning never writes over another record's cluster`
      : `${resourceId} exists in ARM and was not created by this provisioning; adopt it (POST /api/clusters/adopt) rather than provision over it`);
  }
}

type WithProvisioning = OperationRecord & { provisioning?: ProvisioningSection };

/**
 * Reads ARM for every resource of the baseline profile (one GET each; 404 = create) and answers
 * the plan: create / update (with the property differences) / no change, the changing resources
 * in waves by their dependencies. The whole plan is stored on the operation record; the engine's
 * steps are the changing resources only. Every run plans afresh from ARM, so a resume after a
 * failure finds what already exists as no change and continues at the resource that failed.
 */
export function createPlanProvisioningActivity(deps: PlanProvisioningDeps) {
  return async (input: ProvisioningInput): Promise<Planned> => {
    const now = new Date(deps.clock.now());
    const budgetStartDate = `${now.toISOString().slice(0, 8)}01T00:00:00Z`;
    const profile = baselineProfile(input.request, { subscriptionId: deps.subscriptionId, budgetStartDate, ...(deps.budgetActionGroupId ? { budgetActionGroupId: deps.budgetActionGroupId } : {}) });
    const desired = profile.resources;
    const observed = new Map<string, Record<string, unknown> | undefined>();
    for (const r of desired) {
      const got = await deps.arm.getArmResource(r.id, r.apiVersion);
      if (r.external && !got) throw new ExternalResourceMissingError(r.id);
      observed.set(r.key, got);
    }
    // Never an update of a managed cluster someone else owns, or one this provisioning did not
    // create (issue 24 item 1): the first plan, stored before any write, records that it creates it.
    const record: WithProvisioning | undefined = (await deps.store.operations.get(input.clusterId, input.operationId))?.doc;
    const section = record?.provisioning;
    const managed = desired.find((r) => r.type.toLowerCase() === "microsoft.containerservice/managedclusters");
    // Operations planned before the flag existed: their last plan created the cluster.
    let createsCluster = section?.createsCluster ?? (section?.resources ?? []).some((r) => r.id === managed?.id && r.change === "create");
    if (managed) {
      const owner = await deps.store.clusters.findOwner(managed.id);
      if (owner && clusterKey(owner.id) !== clusterKey(input.clusterId)) throw new ClusterNotOwnedError(managed.id, owner.id);
      if (observed.get(managed.key) && !createsCluster) throw new ClusterNotOwnedError(managed.id);
      if (!observed.get(managed.key)) createsCluster = true;
    }
    const planned: PlannedResource[] = desired.filter((r) => !r.external).map((r) => {
      const current = observed.get(r.key);
      const { body, missing } = resolveRefs(r.body, r.refs, (key) => observed.get(key));
      const refPaths = (r.refs ?? []).filter((x) => missing.includes(`${x.from}:${x.fromPath}`)).map((x) => x.path);
      const { change, differences } = changeOf({ ...r, ignoreOnUpdate: [...(r.ignoreOnUpdate ?? []), ...refPaths] }, body, current);
      const state = provisioningStateOf(current) ?? "Succeeded";
      // A resource a failed write left behind is written again, whatever its body says.
      const failed = current !== undefined && /^(failed|canceled)$/i.test(state);
      const final = failed && change === "noChange" ? { change: "update" as const, differences: [{ path: "properties.provisioningState", desired: "Succeeded", observed: state }] } : { change, differences };
      return { key: r.key, title: r.title, id: r.id, type: r.type, ...final, source: r.source };
    });
    const changing = new Set(planned.filter((p) => p.change !== "noChange").map((p) => p.key));
    const waves = assignWaves(desired, changing);
    for (const p of planned) if (waves.has(p.key)) p.wave = waves.get(p.key)!;
    const byKey = new Map(desired.map((r) => [r.key, r]));
    const ordered = planned.filter((p) => p.wave !== undefined).sort((a, b) => a.wave! - b.wave!);
    const steps: PlanStep[] = ordered.map((p, index) => {
      const r = byKey.get(p.key)!;
      return {
        index, title: `${p.change} ${p.title}`, health: false, settleMs: 0, wave: p.wave!,
        action: {
          type: "armResourcePut", resourceId: r.id, apiVersion: r.apiVersion, change: p.change === "create" ? "create" : "update", body: r.body,
          refs: (r.refs ?? []).map((x) => ({ path: x.path, fromId: byKey.get(x.from)!.id, fromApiVersion: byKey.get(x.from)!.apiVersion, fromPath: x.fromPath, ...(x.format ? { format: x.format } : {}) })),
          ...(r.generate ? { generate: r.generate } : {})
        }
      };
    });

    const cluster = (await deps.store.clusters.get(input.clusterId))?.doc;
    const policy = cluster?.policy;
    const plan: OperationPlanData = {
      resourceId: profile.clusterId, environment: input.request.environment, target: "baseline",
      steps,
      // Provisioning asks once, before anything is applied, unless the policy asks for nothing.
      approval: { mode: !policy || policy.approval === "none" ? "none" : "oncePerUpgrade", timeoutMinutes: policy?.approvalTimeoutMinutes ?? 0, onTimeout: policy?.onApprovalTimeout ?? "reject" },
      polling: { ...defaultPollingPolicy, ...(input.polling ? { firstIntervalMs: input.polling.firstIntervalMs, maxIntervalMs: input.polling.maxIntervalMs } : {}) }
    };
    const summary = {
      create: planned.filter((p) => p.change === "create").length, update: planned.filter((p) => p.change === "update").length,
      noChange: planned.filter((p) => p.change === "noChange").length, waves: new Set(steps.map((s) => s.wave)).size
    };
    const at = isoAt(deps.clock);
    await deps.store.operations.mutate(input.clusterId, input.operationId, (op) => {
      const rec = op as WithProvisioning;
      return {
        ...rec,
        plan: { target: "baseline", steps: steps.map((s) => ({ index: s.index, kind: "configuration" as const, from: ordered[s.index]!.change, to: ordered[s.index]!.title })) },
        steps: steps.map((s) => ({ index: s.index, name: s.title, kind: "configuration" as const, from: ordered[s.index]!.change, to: ordered[s.index]!.title, status: "Pending" as const })),
        provisioning: {
          ...(rec.provisioning ?? { clusterResourceId: profile.clusterId, requestHash: "", request: input.request }), plannedAt: at, resources: planned, summary, omitted: profile.omitted,
          ...(createsCluster ? { createsCluster: true } : {})
        },
        timings: { ...rec.timings, updatedAt: at }
      } as OperationRecord;
    });
    return { plan, done: [] };
  };
}
