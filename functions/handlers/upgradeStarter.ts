import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { KubernetesUpgradeInput } from "../../orchestrations/kubernetesUpgrade/contracts";
import { startOperation, type OperationStart } from "../../orchestrations/startOperation";
import { isoNow, type ClusterRecord, type OperationStatus, type OperationTrigger } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import { activeHold, heldByBudget } from "../../shared/domain/governance/enforcement";
import type { Platform } from "../runtime/platform";

/** Started, re-run or found, or `held`: a budget hold makes a new minor wait (its release starts it). */
export type UpgradeStart = OperationStart | { outcome: "held"; holdId: string };

/** Statuses after which an operator may run the same upgrade again, from its first unfinished step. */
const RESUMABLE: readonly OperationStatus[] = ["Failed", "Rejected", "Expired", "Cancelled", "Blocked"];

/**
 * The one way a Kubernetes upgrade starts, from every trigger (an event, the sweep, an operator, a
 * hold's release). While a budget hold is active (staging and prod past their budget), an upgrade to
 * a new minor waits: the target is noted on the hold, whose release starts it; patches go ahead.
 * The Kubernetes upgrade of (cluster, target) under its deterministic id (orchestrations/startOperation.ts
 * has the rules). With `resume` (an operator's request), an ended unsuccessful upgrade runs again
 * from its first unfinished step; an event or a hold's release never re-runs one.
 */
export async function startKubernetesUpgrade(
  p: Platform,
  client: DurableClientPort,
  request: { cluster: ClusterRecord; target: string; trigger: OperationTrigger; resume: boolean; current?: string }
): Promise<UpgradeStart> {
  const { target } = request;
  const cluster = (await p.store.clusters.get(request.cluster.id))?.doc ?? request.cluster;
  const hold = activeHold(cluster);
  const from = request.current ?? cluster.observed?.kubernetesVersion ?? cluster.spec.kubernetesVersion;
  if (hold && heldByBudget(from, target)) {
    await p.store.clusters.mutate(cluster.id, (c) => {
      const holds = (c.governance?.holds ?? []).map((h) => h.id === hold.id && !h.heldTargets.includes(target) ? { ...h, heldTargets: [...h.heldTargets, target] } : h);
      return { ...c, governance: { alerts: c.governance?.alerts ?? [], holds } };
    });
    return { outcome: "held", holdId: hold.id };
  }
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
