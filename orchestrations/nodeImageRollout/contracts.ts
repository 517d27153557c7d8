import type { ReadinessReport } from "../../shared/domain/readiness";
/**
 * What crosses the durable boundary in the node-image rollout: JSON-safe, timestamps as ISO
 * strings, clusters referred to by id.
 */
import type { ArmErrorInfo } from "../common/contracts";
import type { OperationPatch } from "../engine/contracts";
import type { MaintenanceWindowSpec } from "../../shared/domain/maintenanceSchedule";
import type { ApprovalMode } from "../../shared/domain/policy";
import type { HealthGateThresholds } from "../../shared/domain/healthGate";
import type { RolloutPolicy } from "./rolloutPolicy";

/** Why a per-cluster node-image upgrade runs: the weekly rollout, a catch-up after a missed window, or an operator. */
export type NodeImageMode = "rollout" | "catchUp" | "manual";

export interface NodeImageUpgradeInput {
  operationId: string;
  clusterId: string;
  mode: NodeImageMode;
  /** The rollout that made the cluster due (absent for a manual start). */
  rolloutId?: string;
  ring?: number;
  /** Who asked, for `manual` (the caller's principal) and who triggered, otherwise. */
  requestedBy?: string;
  /** For a catch-up: the operation whose window was missed. */
  catchUpOf?: string;
  /**
   * A rollout's horizon (ISO): a cluster whose next window opens later is left to the next weekly
   * rollout instead of holding its ring (and every later ring) until then.
   */
  notAfter?: string;
  /**
   * Issue 31: the span the ring's first reads of this cluster's subscription are spread over (that
   * subscription's own read bucket, `subscriptionSpreadMs`); absent: the fixed two minutes.
   */
  prepareSpreadMs?: number;
  /**
   * Issue 31: the span over which clusters of this cluster's subscription whose windows open
   * together start (`subscriptionWindowSpreadMs` of the ring's clusters in that subscription), never
   * more than the fixed fifteen minutes or an eighth of the window; absent: those two alone.
   */
  windowSpreadMs?: number;
}

/** One pool's outcome, in the operator's words. */
export type PoolResult = "upgraded" | "current" | "skipped" | "failed";
export type ClusterResult = "upgraded" | "current" | "skipped" | "failed";

export interface PoolOutcome {
  pool: string;
  result: PoolResult;
  before?: string;
  after?: string;
  reason?: string;
}

export interface NodeImageUpgradeResult {
  clusterId: string;
  operationId: string;
  result: ClusterResult;
  reason?: string;
  pools: PoolOutcome[];
  /** Set when a later window must finish the job (the daily check starts it). */
  catchUpDue?: boolean;
}

export interface PreparedNodeImageUpgrade {
  resourceId: string;
  environment: string;
  approval: { mode: ApprovalMode; timeoutMinutes: number; onTimeout: "reject" | "escalate" };
  healthGate: HealthGateThresholds;
  /** The window that governs node-image work on this cluster, and where it came from. */
  window: { source: "cluster" | "policy"; spec: MaintenanceWindowSpec; note?: string };
  /**
   * The window to work in, seen from the orchestration's time (`nextWindow`), already written to
   * the record with the operation's creation; absent for a manual start or when none opens.
   */
  next?: { start: string; end: string };
}

export type ArmRead<T> =
  | ({ outcome: "ok" } & T)
  | { outcome: "notFound"; error: ArmErrorInfo };


export interface PoolImageState {
  pool: string;
  mode: string;
  current: string;
  latest: string;
  provisioningState?: string;
  nodeCount: number;
}

export interface ClusterImageState {
  powerState: string;
  provisioningState: string;
  pools: PoolImageState[];
  /** The readiness report stored on the plan (issue 30); absent when it could not be read, or in older histories. */
  readiness?: ReadinessReport;
}

/** The request of a pool's node-image step (start and check activities). */
export interface NodeImageStepRequest {
  clusterId: string;
  resourceId: string;
  operationId: string;
  step: { index: number; kind: "nodeImage"; pool: string; from: string; to: string };
  armOperationId?: string;
}

export interface NodeImageRolloutInput {
  rolloutId: string;
  /** ISO week the rollout belongs to, e.g. `2026-W47`. */
  week: string;
  policy: RolloutPolicy;
  trigger: { type: "timer" | "http"; by: string };
}

export interface RingCounts {
  clusters: number;
  upgraded: number;
  current: number;
  skipped: number;
  failed: number;
}

export interface RingResult extends RingCounts {
  ring: number;
  startedAt: string;
  endedAt: string;
  failureBudget: number;
  overBudget: boolean;
}

export interface RolloutPlan {
  rings: { ring: number; clusters: number }[];
}

export interface ClusterPageRequest {
  /** The clusters after this id (ids are the page cursor; stable under concurrent adoption). */
  after?: string;
  pageSize: number;
  ring: number;
}

export interface ClusterPage {
  clusterIds: string[];
  /** Issue 31: each cluster's subscription (parallel to `clusterIds`) and how many of the ring's clusters each subscription has. */
  subscriptions?: string[];
  subscriptionSizes?: Record<string, number>;
  /** Cursor for the next page, absent on the last. */
  next?: string;
}

/** One page of clusters to run: the page orchestration starts them with bounded concurrency. */
export interface ClusterPageInput {
  mode: NodeImageMode;
  rolloutId: string;
  ring?: number;
  concurrency: number;
  requestedBy?: string;
  notAfter?: string;
  policy: RolloutPolicy;
  clusters: { clusterId: string; operationId: string; instanceId: string; rolloutId?: string; ring?: number; catchUpOf?: string; prepareSpreadMs?: number; windowSpreadMs?: number }[];
}

export interface ClusterPageResult extends RingCounts {
  /** Notable clusters (failed, then skipped), at most a few per page, for the Teams summary. */
  notable: { clusterId: string; result: ClusterResult; reason?: string }[];
  historyEvents?: number;
}

export interface RingInput {
  rolloutId: string;
  ring: number;
  policy: RolloutPolicy;
  notAfter?: string;
}

export interface CatchUpInput {
  date: string;
  policy: RolloutPolicy;
}

export interface CatchUpCandidate {
  clusterId: string;
  rolloutId: string;
  ring?: number;
  operationId: string;
  instanceId: string;
  /** The operation whose window was missed. */
  catchUpOf: string;
}

export interface CatchUpPage {
  candidates: CatchUpCandidate[];
  next?: string;
}

export interface RolloutRecordUpdate {
  rolloutId: string;
  at: string;
  create?: { week: string; trigger: { type: "timer" | "http"; by: string }; policy: RolloutPolicy; plan: RolloutPlan };
  status?: "Running" | "Succeeded" | "Failed" | "Cancelled";
  ring?: RingResult & { status: "Running" | "Completed" | "Stopped"; soakUntil?: string };
  ringStarted?: { ring: number; at: string };
  outcome?: { result: "Succeeded" | "Failed"; message: string };
}

export interface SummaryRequest {
  kind: "ring" | "rollout";
  rolloutId: string;
  ring?: number;
  ringResult?: RingResult;
  rings?: RingResult[];
  stoppedAt?: number;
  nextRingAt?: string;
  nextRing?: number;
  notable?: ClusterPageResult["notable"];
}

/** What a node-image operation's patches change in its record's `nodeImage` section (records.ts `mergeNodeImageSection`); `waitingFor: null` clears it. */
export interface NodeImagePatch {
  window?: { start: string; end: string; source: string };
  waitingFor?: string | null;
  pools?: PoolOutcome[];
  skip?: { reason: string; code: string };
  result?: ClusterResult;
  catchUpDue?: boolean;
}

/** The node-image flow's section of the record, as its patches carry it. */
export interface NodeImageSections {
  nodeImage: NodeImagePatch;
}

/** A node-image operation's patch: the engine's fields and its `nodeImage` section. */
export type NodeImageOperationPatch = OperationPatch<NodeImageSections>;
