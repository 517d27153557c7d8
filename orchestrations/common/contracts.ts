import type { ClusterHealthSample } from "../../shared/domain/healthGate";

/**
 * The data that crosses the durable boundary between orchestrators and activities. JSON-safe:
 * timestamps are ISO strings, documents are referred to by id.
 */
export type OperationStatus =
  | "Queued" | "Running" | "AwaitingApproval" | "Succeeded" | "Failed" | "Rejected" | "Expired" | "Cancelled"
  /** Stopped before any change because it cannot work now (a readiness `fail`, AKS's deprecated-API block): resumable once fixed. */
  | "Blocked";

/** A step as approval cards, Teams messages and the step activities show it. */
export interface StepView {
  index: number;
  kind: "controlPlane" | "nodePool";
  pool?: string;
  from: string;
  to: string;
}

export interface ArmErrorInfo {
  code: string;
  message: string;
}

export interface LockAttempt {
  acquired: boolean;
  /** 1-based position in the cluster's queue when not acquired. */
  position?: number;
  holder?: string;
}

export type StartStepResult =
  | { outcome: "started" | "inProgress" | "alreadyDone"; armOperationId?: string }
  | { outcome: "conflict"; error: ArmErrorInfo };

export type StepState =
  | { state: "InProgress" }
  | { state: "Succeeded" }
  | { state: "Failed"; error: ArmErrorInfo };

/** What `captureClusterHealth` returns: the domain health gate's sample (per-pool nodes, pods). */
export type HealthSample = ClusterHealthSample;

export interface ApprovalDecision {
  decision: "approve" | "reject";
  approver: string;
  comment?: string;
  at: string;
  /** The token's nonce: ties the event to the decision recorded under that token. */
  nonce?: string;
}

/** The approval sub-orchestration's input (the engine's step asks it). */
/**
 * What an approval covers: one step, or the whole operation (`oncePerUpgrade` policies).
 * `upgrade` is the name approval requests stored before the rename carry (read as `operation`).
 */
export type ApprovalScope = "step" | "operation" | "upgrade";

/** Whether an approval covers the whole operation (the current name, or the one stored before). */
export function coversWholeOperation(scope: ApprovalScope | undefined): boolean {
  return scope === "operation" || scope === "upgrade";
}

export interface ApprovalInput {
  operationId: string;
  clusterId: string;
  environment: string;
  /** What is being approved: one step, or the whole plan when the policy asks once per operation. */
  scope: ApprovalScope;
  step: StepView;
  plan: StepView[];
  timeoutMinutes: number;
  onTimeout: "reject" | "escalate";
  /**
   * A force decision (issue 30): AKS blocked `step` on deprecated-API usage; approving sets the
   * override for `windowHours` from the decision (orchestrations/kubernetesUpgrade). Absent: an ordinary approval.
   */
  force?: { windowHours: number; blockedMessage: string };
}

export type ApprovalOutcome =
  | { outcome: "approved" | "rejected"; decision: ApprovalDecision }
  | { outcome: "expired"; escalated: boolean; deadline: string };

export interface TeamsDelivery {
  delivered: boolean;
  /** Not delivered, and retrying will not help (a 4xx other than 408/429): the orchestration stops asking. */
  permanent?: true;
  /** When not delivered: how long Teams asked us to wait (Retry-After) or the backoff to use. */
  retryAfterMs?: number;
  error?: string;
}
