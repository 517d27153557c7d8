import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { KubernetesUpgradeInput } from "../../orchestrations/kubernetesUpgrade/contracts";
import { startOperation, type OperationStart } from "../../orchestrations/startOperation";
import { isoNow, type ClusterRecord, type OperationStatus, type OperationTrigger } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import type { Platform } from "../runtime/platform";

export type UpgradeStart = OperationStart;

/** Statuses after which an operator may run the same upgrade again, from its first unfinished step. */
const RESUMABLE: readonly OperationStatus[] = ["Failed", "Rejected", "Expired", "Cancelled"];

/**
 * The Kubernetes upgrade of (cluster, target) under its deterministic id (orchestrations/startOperation.ts
 * has the rules). With `resume` (an operator's request), an ended unsuccessful upgrade runs again
 * from its first unfinished step; an event or a hold's release never re-runs one.
 */
export async function startKubernetesUpgrade(
  p: Platform,
  client: DurableClientPort,
  request: { cluster: ClusterRecord; target: string; trigger: OperationTrigger; resume: boolean }
): Promise<UpgradeStart> {
  const { cluster, target } = request;
  const operationId = InstanceIds.kubernetesUpgrade(cluster.id, target);
  const now = isoNow(p.clock);
  return startOperation(p, client, {
    orchestrator: OrchestratorNames.kubernetesUpgrade,
    record: {
      id: operationId, clusterId: cluster.id, kind: "kubernetesUpgrade", trigger: request.trigger, status: "Pending",
      instanceId: operationId, targetVersion: target, steps: [], approvals: [], timings: { createdAt: now, updatedAt: now }
    },
    input: ({ rerun }): KubernetesUpgradeInput => ({ operationId, clusterId: cluster.id, targetVersion: target, ...(rerun ? { resume: true } : {}) }),
    rerunFrom: request.resume ? RESUMABLE : []
  });
}
