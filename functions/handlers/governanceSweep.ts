/**
 * The governance sweep: every registered cluster's diagnostic settings and budget reviewed against
 * ARM (what a dropped or missed resource event would have caught), and its Kubernetes version
 * compared with the region's list and its policy, starting the upgrade a missed
 * NewKubernetesVersionAvailable or ClusterSupportEnding would have started, under the same
 * deterministic id (`k8s-upgrade:<cluster>:<target>`), so an event and the sweep never start two.
 * One cluster that cannot be read does not stop the others.
 */
import { isoNow, type ClusterRecord, type OperationTrigger } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import { GOVERNANCE_SUBJECTS, reviewGovernance } from "./governance";
import { policyTarget } from "./targets";
import { startHeldAwareUpgrade } from "./budgetHolds";
import type { Platform } from "../runtime/platform";
import { failureOf } from "../../shared/domain/failures";

export interface SweepResult {
  clusters: number;
  /** Operations started (remediations and caught-up upgrades). */
  started: number;
  upgrades: { clusterId: string; target: string; outcome: string }[];
  failed: { clusterId: string; error: string }[];
}

const SWEEP_TRIGGER: OperationTrigger = { type: "timer", by: "governanceSweep" };

export function createGovernanceSweep(platform: Platform) {
  // The sweep reads through the retry-less clients: when ARM throttles, the rest of the fleet waits
  // for the next sweep instead of the SDK sleeping inside one timer invocation (at fleet size that
  // would run past the function timeout, and on the local runtime's virtual clock never end).
  const p = Object.create(platform, { arm: { value: platform.activityArm } }) as Platform;
  return async (client: DurableClientPort): Promise<SweepResult> => {
    const clusters = await p.store.clusters.list();
    const result: SweepResult = { clusters: clusters.length, started: 0, upgrades: [], failed: [] };
    for (const [i, cluster] of clusters.entries()) {
      try {
        for (const review of await reviewGovernance(p, client, cluster, GOVERNANCE_SUBJECTS, SWEEP_TRIGGER)) {
          if (review.operation && review.operation.outcome !== "exists") result.started++;
        }
        const upgrade = await catchUpVersion(p, client, cluster);
        if (upgrade) {
          result.upgrades.push({ clusterId: cluster.id, ...upgrade });
          if (upgrade.outcome === "started") result.started++;
        }
      } catch (err) {
        result.failed.push({ clusterId: cluster.id, error: err instanceof Error ? err.message : String(err) });
        if (failureOf(err).kind === "throttled") {
          for (const rest of clusters.slice(i + 1)) result.failed.push({ clusterId: rest.id, error: "ARM throttled the sweep: reviewed by the next one" });
          break;
        }
      }
    }
    return result;
  };
}

/**
 * The upgrade the policy wants now, started (or found) under the event path's id, when the
 * region's list changed since the last sweep (a release came in: its event may have been missed).
 */
async function catchUpVersion(p: Platform, client: DurableClientPort, cluster: ClusterRecord): Promise<{ target: string; outcome: string } | undefined> {
  const choice = await policyTarget(p, cluster);
  const target = choice.kind === "upgrade" ? choice.target : "none";
  const seen = cluster.governance?.versionBaseline;
  if (seen?.target === target) return undefined;
  await p.store.clusters.mutate(cluster.id, (c) => ({
    ...c, governance: { alerts: c.governance?.alerts ?? [], holds: c.governance?.holds ?? [], ...c.governance, versionBaseline: { target, at: isoNow(p.clock) } }
  }));
  // First look: only noted.
  if (!seen || choice.kind === "none") return undefined;
  const started = await startHeldAwareUpgrade(p, client, cluster, choice.target, SWEEP_TRIGGER);
  return { target: choice.target, outcome: started.outcome };
}
