import type { ClusterHealthSample } from "../../shared/domain/healthGate";

/**
 * The data that crosses the durable boundary between orchestrators and activities. JSON-safe:
 * timestamps are ISO strings, documents are referred to by id.
 */
export type OperationStatus =
  | "Queued" | "Running" | "AwaitingApproval" | "Succeeded" | "Failed" | "Rejected" | "Expired" | "Cancelled";

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
export interface ApprovalInput {
  operationId: string;
  clusterId: string;
  environment: string;
  /** What is being approved: one step, or the whole plan when the policy asks once per upgrade. */
  scope: "step" | "upgrade";
  step: StepView;
  plan: StepView[];
  timeoutMinutes: number;
  onTimeout: "reject" | "escalate";
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
