import { DuplicateError } from "../../../shared/store";
import type { RolloutRecordUpdate } from "../contracts";
import { FLEET_PARTITION, ringName } from "../rolloutPolicy";
import type { NodeImageActivityDeps } from "./deps";
import type { NodeImageRolloutRecord } from "./records";

/** Record ids of rollouts: `nodeimage-rollout-2026-W47` in partition `fleet`. */
export function rolloutRecordId(rolloutId: string): string {
  return `nodeimage-rollout-${rolloutId}`;
}

/** Creates (once) and updates the fleet-wide rollout record. */
export function createRecordNodeImageRollout(deps: Pick<NodeImageActivityDeps, "store" | "clock">) {
  return async (update: RolloutRecordUpdate): Promise<void> => {
    const id = rolloutRecordId(update.rolloutId);
    if (update.create) {
      const record: NodeImageRolloutRecord = {
        id, clusterId: FLEET_PARTITION, kind: "nodeImageRollout",
        trigger: { type: update.create.trigger.type, by: update.create.trigger.by },
        status: "Running", instanceId: `node-image-rollout:${update.rolloutId}`,
        plan: { target: "latest node image per pool", steps: [] },
        steps: update.create.plan.rings.map((r) => ({ index: r.ring, name: `ring ${r.ring} (${ringName(r.ring)}): ${r.clusters} cluster(s)`, kind: "nodeImage", from: "", to: "latest", status: "Pending" })),
        approvals: [],
        timings: { createdAt: update.at, startedAt: update.at, updatedAt: update.at },
        rollout: {
          week: update.create.week, policy: update.create.policy, plan: update.create.plan,
          rings: update.create.plan.rings.map((r) => ({ ring: r.ring, clusters: r.clusters, status: "Pending" }))
        }
      };
      try {
        await deps.store.operations.create(record);
      } catch (err) {
        if (!(err instanceof DuplicateError)) throw err;
      }
    }
    await deps.store.operations.mutate(FLEET_PARTITION, id, (current) => {
      const doc = current as NodeImageRolloutRecord;
      if (update.status) doc.status = update.status;
      const ringEntry = (ring: number) => {
        let entry = doc.rollout.rings.find((r) => r.ring === ring);
        if (!entry) {
          entry = { ring, status: "Pending" };
          doc.rollout.rings.push(entry);
        }
        return entry;
      };
      const step = (ring: number) => doc.steps.find((s) => s.index === ring);
      if (update.ringStarted) {
        Object.assign(ringEntry(update.ringStarted.ring), { status: "Running", startedAt: update.ringStarted.at });
        const s = step(update.ringStarted.ring);
        if (s) Object.assign(s, { status: "Running", startedAt: update.ringStarted.at });
      }
      if (update.ring) {
        Object.assign(ringEntry(update.ring.ring), update.ring);
        const s = step(update.ring.ring);
        if (s) {
          s.status = update.ring.status === "Stopped" ? "Failed" : "Succeeded";
          s.endedAt = update.ring.endedAt;
          if (update.ring.overBudget) s.error = { code: "FailureBudgetExceeded", message: `${update.ring.failed} failed, budget ${update.ring.failureBudget}` };
        }
      }
      if (update.outcome) {
        doc.outcome = { result: update.outcome.result, message: update.outcome.message };
        doc.timings.endedAt = update.at;
        for (const r of doc.rollout.rings) if (r.status === "Pending") r.status = "Stopped";
        for (const s of doc.steps) if (s.status === "Pending") s.status = "Skipped";
      }
      return doc;
    });
  };
}
