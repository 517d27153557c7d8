import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { DuplicateError, type OperationRecord } from "../../../shared/store";
import type { ClusterRepository, OperationRepository } from "../../../shared/store";
import { InstanceIds } from "../../names";
import { adoptionRecordPlan, type AdoptionInput } from "../../adoption/adoptionOrchestrator";
import { parseClusterResourceId } from "../../common/activities/armIds";
import { isoAt, type ActivityClock } from "../../common/activities/ports";
import type { PollIntervals } from "../../common/armStep";

export interface RegisterProvisionedDeps {
  aks: { managedClusters: Pick<ContainerServiceClient["managedClusters"], "get"> };
  store: { clusters: Pick<ClusterRepository, "get" | "mutate">; operations: Pick<OperationRepository, "get" | "create"> };
  clock: ActivityClock;
  polling?: PollIntervals;
}

export interface RegisterProvisionedRequest { clusterId: string }

/**
 * The provisioned cluster joins the registry like an adopted one, now that ARM has it (the record
 * stops being `provisioning`, so it is listed and acted on from here): its record takes what ARM
 * reports (pools, versions), and an adoption operation is created for the adoption flow to run
 * (auto-upgrade channels confirmed off, the Event Grid system topic subscribed to the platform).
 * `adopt: false` when that adoption already succeeded (a re-run that planned no change).
 */
export function createRegisterProvisionedClusterActivity(deps: RegisterProvisionedDeps) {
  return async (request: RegisterProvisionedRequest): Promise<{ adopt: boolean; input?: AdoptionInput }> => {
    const record = (await deps.store.clusters.get(request.clusterId))?.doc;
    const ref = record ? parseClusterResourceId(record.resourceId) : undefined;
    if (!ref) throw new Error(`Cluster ${request.clusterId} is not registered with a managed cluster id`);
    const managed = await deps.aks.managedClusters.get(ref.resourceGroup, ref.name);
    const at = isoAt(deps.clock);
    const pools = (managed.agentPoolProfiles ?? []).map((p) => ({
      name: p.name ?? "", mode: p.mode === "System" ? "System" as const : "User" as const, count: p.count ?? 0, ...(p.vmSize ? { vmSize: p.vmSize } : {}), ...(p.upgradeSettings?.maxSurge ? { maxSurge: p.upgradeSettings.maxSurge } : {})
    }));
    // From here it is a cluster: listed, routed events, swept, budgeted (ClusterRecord.provisioning).
    const cluster = await deps.store.clusters.mutate(request.clusterId, ({ provisioning, ...c }) => ({
      ...c, ...(provisioning ? { provisionedBy: provisioning.operationId } : {}), resourceId: managed.id ?? c.resourceId, eventTopic: managed.id ?? c.resourceId,
      spec: { ...c.spec, kubernetesVersion: managed.kubernetesVersion ?? c.spec.kubernetesVersion, pools },
      observed: {
        at, kubernetesVersion: managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? "",
        ...(managed.provisioningState ? { provisioningState: managed.provisioningState } : {}), ...(managed.powerState?.code ? { powerState: managed.powerState.code } : {}),
        pools: (managed.agentPoolProfiles ?? []).map((p) => ({
          name: p.name ?? "", mode: p.mode ?? "User", orchestratorVersion: p.currentOrchestratorVersion ?? p.orchestratorVersion ?? "", count: p.count ?? 0,
          ...(p.nodeImageVersion ? { nodeImageVersion: p.nodeImageVersion } : {}), ...(p.provisioningState ? { provisioningState: p.provisioningState } : {})
        }))
      },
      updatedAt: at
    }));
    const operationId = InstanceIds.adoption(request.clusterId);
    const existing = (await deps.store.operations.get(request.clusterId, operationId))?.doc;
    if (existing?.status === "Succeeded") return { adopt: false };
    const input: AdoptionInput = {
      operationId, clusterId: request.clusterId, resourceId: cluster.doc.resourceId, location: managed.location ?? cluster.doc.spec.location,
      environment: cluster.doc.environment, ...(deps.polling ? { polling: deps.polling } : {}), governanceReview: true
    };
    if (!existing) {
      const profile = managed.autoUpgradeProfile ?? {};
      const { plan, steps } = adoptionRecordPlan(input, `${profile.upgradeChannel ?? "unset"} / ${profile.nodeOSUpgradeChannel ?? "unset"}`);
      const op: OperationRecord = {
        id: operationId, clusterId: request.clusterId, kind: "adoption", trigger: { type: "http", by: "provisioning" }, status: "Pending", instanceId: operationId,
        plan, steps, approvals: [], timings: { createdAt: at, updatedAt: at }
      };
      try {
        await deps.store.operations.create(op);
      } catch (err) {
        if (!(err instanceof DuplicateError)) throw err;
      }
    }
    return { adopt: true, input };
  };
}
