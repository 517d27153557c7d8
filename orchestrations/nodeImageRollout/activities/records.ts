/**
 * The Cosmos records of the node-image rollout (container `operations`).
 *
 * Choice (issue 5, "one rollout record"): the rollout is itself an operation record, kind
 * `nodeImageRollout`, in the partition `clusterId: "fleet"`, so `GET /api/operations?clusterId=fleet`
 * lists rollouts with no new container or API. Each cluster's work is an operation record of the
 * same kind in the cluster's own partition. Both carry the generic fields every operation has
 * (status, steps, approvals, outcome, timings) plus a `nodeImage` / `rollout` section with what
 * only node images have: pool versions before and after, the window, skips with their reason.
 */
import type { OperationRecord } from "../../../shared/store";
import type { ClusterResult, NodeImagePatch, PoolOutcome, RingResult, RolloutPlan } from "../contracts";
import type { SectionMerger } from "../../engine/contracts";
import type { RolloutPolicy } from "../rolloutPolicy";

export interface NodeImageSection {
  mode: "rollout" | "catchUp" | "manual";
  rolloutId?: string;
  ring?: number;
  environment: string;
  /** For a catch-up: the operation whose window was missed. */
  catchUpOf?: string;
  window?: { start: string; end: string; source: string };
  windowSource?: string;
  waitingFor?: string;
  pools: PoolOutcome[];
  skips: { at: string; code: string; reason: string }[];
  result?: ClusterResult;
  catchUpDue?: boolean;
  /** Set by the daily check when it schedules the catch-up of this operation. */
  catchUp?: { operationId: string; instanceId: string; at: string };
}

export interface NodeImageOperationRecord extends OperationRecord {
  nodeImage: NodeImageSection;
}

export interface RolloutSection {
  week: string;
  policy: RolloutPolicy;
  plan: RolloutPlan;
  rings: (Partial<RingResult> & { ring: number; status: "Pending" | "Running" | "Completed" | "Stopped"; soakUntil?: string; startedAt?: string })[];
}

export interface NodeImageRolloutRecord extends OperationRecord {
  rollout: RolloutSection;
}

/** The record writer's merger for the `nodeImage` section (registered with `updateOperation`): a patch only updates a section the record has. */
export const mergeNodeImageSection: SectionMerger = (current, patch, update) => {
  if (typeof current !== "object" || current === null || typeof patch !== "object" || patch === null) return undefined;
  const section = current as NodeImageSection;
  const n = patch as NodeImagePatch;
  const merged: NodeImageSection = { ...section, skips: [...section.skips] };
  if (n.window) merged.window = n.window;
  if (n.waitingFor === null) delete merged.waitingFor;
  else if (n.waitingFor !== undefined) merged.waitingFor = n.waitingFor;
  if (n.pools) merged.pools = n.pools;
  if (n.skip && !merged.skips.some((s) => s.at === update.at && s.code === n.skip!.code)) merged.skips.push({ at: update.at, code: n.skip.code, reason: n.skip.reason });
  if (n.result !== undefined) merged.result = n.result;
  if (n.catchUpDue !== undefined) merged.catchUpDue = n.catchUpDue;
  if (update.outcome) delete merged.waitingFor;
  return merged;
};

export function isNodeImageRecord(record: OperationRecord): record is NodeImageOperationRecord {
  return record.kind === "nodeImageRollout" && typeof (record as Partial<NodeImageOperationRecord>).nodeImage === "object";
}
