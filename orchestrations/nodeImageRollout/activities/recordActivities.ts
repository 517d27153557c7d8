import { DuplicateError, terminalOperationStatuses, type OperationStep } from "../../../shared/store";
import type { NodeImageOperationUpdate, RolloutRecordUpdate } from "../contracts";
import { FLEET_PARTITION, ringName } from "../rolloutPolicy";
import type { NodeImageActivityDeps } from "./deps";
import type { NodeImageOperationRecord, NodeImageRolloutRecord } from "./records";

/** Record ids of rollouts: `nodeimage-rollout-2026-W47` in partition `fleet`. */
export function rolloutRecordId(rolloutId: string): string {
  return `nodeimage-rollout-${rolloutId}`;
}

/**
 * Merges one change into a cluster's node-image operation. Idempotent (a re-run activity applies
 * the same patch to the same state): pools and steps are keyed by index/name, skips and approvals
 * by their time and code.
 */
export function createRecordNodeImageOperation(deps: Pick<NodeImageActivityDeps, "store">) {
  return async (update: NodeImageOperationUpdate): Promise<void> => {
    await deps.store.operations.mutate(update.clusterId, update.operationId, (current) => {
      const doc = current as NodeImageOperationRecord;
      const section = doc.nodeImage;
      if (update.status) {
        // A finished operation stays finished; a late duplicate patch must not reopen it.
        if (!terminalOperationStatuses.includes(doc.status) || update.outcome) doc.status = update.status;
      }
      if (update.status === "Running" && !doc.timings.startedAt) doc.timings.startedAt = update.at;
      if (update.window) section.window = update.window;
      if ("waitingFor" in update) {
        if (update.waitingFor === undefined) delete section.waitingFor;
        else section.waitingFor = update.waitingFor;
      }
      if (update.queuePosition !== undefined) doc.queuePosition = update.queuePosition;
      if (update.status && update.status !== "Queued") delete doc.queuePosition;
      if (update.pools) {
        section.pools = update.pools;
        doc.plan = { target: update.pools.find((p) => p.after && p.after !== p.before)?.after ?? update.pools[0]?.after ?? "", steps: [] };
      }
      for (const p of [update.pool, update.nextPool]) {
        if (!p) continue;
        const step: OperationStep = {
          index: p.index, name: `node image, pool ${p.pool}`, kind: "nodeImage", pool: p.pool, from: p.from, to: p.to, status: p.status,
          ...(p.startedAt ? { startedAt: p.startedAt } : {}), ...(p.endedAt ? { endedAt: p.endedAt } : {}),
          ...(p.armOperationId ? { armOperationId: armOperationIdOf(p.armOperationId) } : {}), ...(p.polls !== undefined ? { polls: p.polls } : {}),
          ...(p.error ? { error: p.error } : {})
        };
        const at = doc.steps.findIndex((s) => s.index === p.index);
        if (at >= 0) doc.steps[at] = { ...doc.steps[at]!, ...step };
        else doc.steps.push(step);
        doc.steps.sort((a, b) => a.index - b.index);
        if (doc.plan) {
          if (!doc.plan.steps.some((s) => s.index === p.index)) doc.plan.steps.push({ index: p.index, kind: "nodeImage", pool: p.pool, from: p.from, to: p.to });
          doc.plan.target = p.to;
        }
      }
      if (update.skip && !section.skips.some((s) => s.at === update.at && s.code === update.skip!.code)) {
        section.skips.push({ at: update.at, code: update.skip.code, reason: update.skip.reason });
      }
      if (update.approval && !doc.approvals.some((a) => a.step === update.approval!.step && a.at === update.approval!.at)) {
        doc.approvals.push({ ...update.approval });
      }
      if (update.outcome) {
        section.result = update.outcome.result;
        section.catchUpDue = update.outcome.catchUpDue;
        delete section.waitingFor;
        doc.outcome = { result: doc.status, message: update.outcome.message };
        doc.timings.endedAt = update.at;
      }
      return doc;
    });
  };
}

/**
 * The ARM operation id for the record: the start activity hands the orchestration the SDK poller's
 * serialized state (so a check can resume it); the record keeps the id from its status URL.
 */
export function armOperationIdOf(value: string): string {
  if (!value.startsWith("{")) return value;
  try {
    const state = JSON.parse(value) as { state?: { config?: { operationLocation?: string } } };
    const url = state.state?.config?.operationLocation;
    return url ? new URL(url).pathname.split("/").pop() ?? value : value;
  } catch {
    return value;
  }
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
