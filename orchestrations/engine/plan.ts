/**
 * An operation is a plan: JSON data made once (by a flow's planner) and stored on the operation
 * record, then run step by step by the engine (runOperation.ts, stepOrchestrator.ts). Everything
 * the engine needs to run a step — what to change, whether to ask, how to poll, how long to let
 * metrics settle before the health gate — is in the plan, never in a setting read by an orchestrator.
 */
import type { HealthGateThresholds } from "../../shared/domain/healthGate";
import type { GeneratedValue } from "../../shared/domain/baseline/profile";
import type { StepView } from "../common/contracts";
import { DEFAULT_OPERATION_POLLING } from "../../shared/domain/polling";
import type { GovernedResourceKind } from "../../shared/domain";

/** What a step changes: a closed union; actions.ts maps each to its start and check activities. */
export type StepAction =
  | { type: "controlPlaneVersion"; from: string; to: string }
  | { type: "poolVersion"; pool: string; from: string; to: string }
  | { type: "poolNodeImage"; pool: string; from: string; to: string }
  /** The platform owns upgrades: AKS's channels off (`upgradeChannel: none`, `nodeOSUpgradeChannel: None`). */
  | { type: "clusterPatch"; patch: "platformOwnsUpgrades" }
  /** The cluster's Event Grid system topic delivers to the platform. */
  | { type: "eventSubscription"; location: string }
  /** Judge the cluster against the baseline's conformance rules and record the findings (reads ARM, writes nothing there). */
  | { type: "conformanceEvaluation" }
  /** Provisioning: one idempotent PUT of any ARM resource, values read from others when it starts. */
  | { type: "armResourcePut"; resourceId: string; apiVersion: string; change: "create" | "update"; body: Record<string, unknown>; refs?: ArmValueRef[]; generate?: GeneratedValue }
  // --- governance (issue 13): the platform's diagnostic setting and budget put back, budget enforcement.
  /**
   * The settings of `resourceId` (default: the cluster) that send to `workspaceId` converged in
   * place to exactly the desired categories of `kind` (default: cluster); `name` is the setting
   * created when none sends there (shared/domain/governance/diagnostics.ts).
   */
  | { type: "diagnosticSettingPut"; name: string; workspaceId: string; resourceId?: string; kind?: GovernedResourceKind }
  /**
   * Governance from the first minute (adoption's and provisioning's last step): the cluster's
   * budget and log categories reviewed, and the remediations that review starts awaited (one
   * waiting for approval counts as reviewed: the approver has the card).
   */
  | { type: "governanceReview" }
  /** PUT of the platform's budget on `scope` (the cluster's resource group). */
  | { type: "budgetPut"; scope: string; name: string; amount: number; actionGroupId: string }
  /** A user pool scaled to `count` nodes (its autoscaler minimum when it has one). */
  | { type: "poolScale"; pool: string; count: number }
  /** The cluster stopped (`managedClusters/stop`). */
  | { type: "clusterStop" };

/** A body value read from another resource when an `armResourcePut` starts (the firewall's private IP). */
export interface ArmValueRef {
  path: string;
  fromId: string;
  fromApiVersion: string;
  fromPath: string;
  format?: "cidr32";
}

export interface PollingPolicy {
  /** First poll after this, doubling up to the cap. */
  firstIntervalMs: number;
  maxIntervalMs: number;
  /**
   * A step that ends on an AKS event (a pool roll: NodePoolRollingSucceeded/Failed) polls only as
   * a safety net for a lost event, this often. Absent: three times `maxIntervalMs`.
   */
  eventSafetyNetMs?: number;
  /** A step still running after this long is failed. */
  stepTimeoutMs: number;
  /** 409 OperationNotAllowed (an out-of-band operation holds the cluster): retries and their backoff. */
  maxConflictRetries: number;
  conflictBaseDelayMs: number;
  conflictMaxDelayMs: number;
}

export const defaultPollingPolicy: PollingPolicy = {
  firstIntervalMs: DEFAULT_OPERATION_POLLING.firstIntervalMs,
  maxIntervalMs: DEFAULT_OPERATION_POLLING.maxIntervalMs,
  stepTimeoutMs: 6 * 3600_000,
  maxConflictRetries: 8,
  conflictBaseDelayMs: 60_000,
  conflictMaxDelayMs: 15 * 60_000
};

export interface PlanStep {
  /** 0-based everywhere the engine and the records use it (cards and pages show index + 1). */
  index: number;
  title: string;
  action: StepAction;
  /** Sample health before and after the step and apply the gate. */
  health: boolean;
  /** Wait between the change finishing and the health sample (metrics lag; a drained node takes a while to come back). */
  settleMs: number;
  /** Consecutive steps with the same wave run in parallel (provisioning's independent branches). */
  wave?: number;
}

export interface ApprovalPolicy {
  mode: "none" | "oncePerUpgrade" | "everyStep";
  timeoutMinutes: number;
  onTimeout: "reject" | "escalate";
}

export interface OperationPlanData {
  resourceId: string;
  environment: string;
  /** What the operation brings the cluster to (a version, `latest node image`, `adopted`). */
  target: string;
  steps: PlanStep[];
  approval: ApprovalPolicy;
  healthGate?: HealthGateThresholds;
  polling: PollingPolicy;
  /** No step starts after this instant (a maintenance window's end). */
  notAfter?: string;
}

/** Whether step `index` must be approved, given whether an earlier step of this run already was. */
export function needsApproval(plan: Pick<OperationPlanData, "approval">, approvedBefore: boolean): boolean {
  return plan.approval.mode === "everyStep" || (plan.approval.mode === "oncePerUpgrade" && !approvedBefore);
}

/** The step as approval cards and the step activities describe it. */
export function stepViewOf(step: PlanStep): StepView {
  const a = step.action;
  switch (a.type) {
    case "controlPlaneVersion": return { index: step.index, kind: "controlPlane", from: a.from, to: a.to };
    case "poolVersion": return { index: step.index, kind: "nodePool", pool: a.pool, from: a.from, to: a.to };
    case "poolNodeImage": return { index: step.index, kind: "nodePool", pool: a.pool, from: a.from, to: a.to };
    default: return { index: step.index, kind: "controlPlane", from: "", to: step.title };
  }
}

/** The pool a step rolls, if it rolls one (its NodePoolRolling* events wake the step). */
export function poolOf(action: StepAction): string | undefined {
  return action.type === "poolVersion" || action.type === "poolNodeImage" ? action.pool : undefined;
}
