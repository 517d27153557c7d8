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
import type { ClusterResult, PoolOutcome, RingResult, RolloutPlan } from "../contracts";
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

export function isNodeImageRecord(record: OperationRecord): record is NodeImageOperationRecord {
  return record.kind === "nodeImageRollout" && typeof (record as Partial<NodeImageOperationRecord>).nodeImage === "object";
}
