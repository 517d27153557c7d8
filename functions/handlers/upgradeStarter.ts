import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { KubernetesUpgradeInput } from "../../orchestrations/kubernetesUpgrade/contracts";
import { DuplicateError, isoNow, terminalOperationStatuses, type ClusterRecord, type OperationRecord, type OperationTrigger } from "../../shared/store";
import { instanceExists, type DurableClientPort } from "./durableClient";
import type { Platform } from "../runtime/platform";

export type UpgradeStart =
  | { outcome: "started" | "resumed"; operationId: string; instanceId: string }
  | { outcome: "exists"; operationId: string; status: OperationRecord["status"] };

/** Statuses after which an operator may run the same upgrade again, from its first unfinished step. */
const RESUMABLE: readonly OperationRecord["status"][] = ["Failed", "Rejected", "Expired", "Cancelled", "Blocked"];

/**
 * Starts `kubernetesUpgrade` for (cluster, target) under its deterministic id, creating the
 * operation record first with the same id so the API shows it at once. The create is the atomic
 * check: a duplicate trigger finds the record and starts nothing. With `resume`, a terminal
 * unsuccessful operation is run again as the same operation under a new instance id suffix.
 */
export async function startKubernetesUpgrade(
  p: Platform,
  client: DurableClientPort,
  request: { cluster: ClusterRecord; target: string; trigger: OperationTrigger; resume: boolean }
): Promise<UpgradeStart> {
  const { cluster, target } = request;
  const operationId = InstanceIds.kubernetesUpgrade(cluster.id, target);
  const now = isoNow(p.clock);
  try {
    await p.store.operations.create({
      id: operationId, clusterId: cluster.id, kind: "kubernetesUpgrade", trigger: request.trigger, status: "Pending",
      instanceId: operationId, targetVersion: target, steps: [], approvals: [], timings: { createdAt: now, updatedAt: now }
    });
    await startInstance(client, operationId, { operationId, clusterId: cluster.id, targetVersion: target });
    return { outcome: "started", operationId, instanceId: operationId };
  } catch (err) {
    if (!(err instanceof DuplicateError)) throw err;
  }

  const existing = (await p.store.operations.get(cluster.id, operationId))?.doc;
  if (!existing) throw new Error(`Operation ${operationId} was reported to exist but cannot be read`);
  if (request.resume && RESUMABLE.includes(existing.status)) {
    const resumes = (existing.resumes ?? 0) + 1;
    const instanceId = `${operationId}:resume-${resumes}`;
    let claimed = false;
    await p.store.operations.mutate(cluster.id, operationId, (op) => {
      // Two resumes racing: the ETag lets one of them flip the record; the other finds it running.
      if (!RESUMABLE.includes(op.status) || (op.resumes ?? 0) + 1 !== resumes) return undefined;
      claimed = true;
      const { outcome: _o, cancellation: _c, ...rest } = op;
      const { endedAt: _e, ...timings } = op.timings;
      return { ...rest, status: "Pending", resumes, instanceId, trigger: request.trigger, timings };
    });
    if (!claimed) {
      const now2 = (await p.store.operations.get(cluster.id, operationId))?.doc;
      return { outcome: "exists", operationId, status: now2?.status ?? existing.status };
    }
    await startInstance(client, instanceId, { operationId, clusterId: cluster.id, targetVersion: target, resume: true });
    return { outcome: "resumed", operationId, instanceId };
  }
  // Created but never started (the trigger died in between): start it now, once.
  const instanceId = existing.instanceId ?? operationId;
  if (existing.status === "Pending" && !terminalOperationStatuses.includes(existing.status) && !(await instanceExists(client, instanceId))) {
    await startInstance(client, instanceId, { operationId, clusterId: cluster.id, targetVersion: target, ...(existing.resumes ? { resume: true } : {}) });
    return { outcome: "started", operationId, instanceId };
  }
  return { outcome: "exists", operationId, status: existing.status };
}

async function startInstance(client: DurableClientPort, instanceId: string, input: KubernetesUpgradeInput): Promise<void> {
  try {
    await client.startNew(OrchestratorNames.kubernetesUpgrade, { instanceId, input });
  } catch (err) {
    // A concurrent trigger started it between our check and our start: that is the outcome we wanted.
    if (await instanceExists(client, instanceId)) return;
    throw err;
  }
}
