import type { ClusterPolicy } from "../domain/policy";
import type { ReadinessReport } from "../domain/readiness";
import type { ClusterHealthSample } from "../domain/healthGate";
import type { RewriteHistory } from "../domain/governance/backoff";

/**
 * The documents the platform keeps in Cosmos (database `aksops`, DESIGN.md "Cosmos containers").
 * They are plain JSON: every timestamp is an ISO-8601 string, so a record can cross the durable
 * boundary unchanged. Cosmos system properties (`_etag`, `_ts`, ...) are not part of these types;
 * repositories return them beside the document as `Stored<T>`.
 */

/** ISO-8601 UTC timestamp, e.g. `2026-01-05T00:00:00.000Z`. */
export type IsoTimestamp = string;

export type Environment = "dev" | "staging" | "prod";

/** A document with the ETag Cosmos gave it, for optimistic concurrency (`ifMatch`). */
export interface Stored<T> {
  readonly doc: T;
  readonly etag: string;
}

// ---------------------------------------------------------------- clusters (pk /id)

/**
 * How the platform treats one cluster: the domain's policy (environment defaults merged with
 * per-cluster overrides), stored as is. One definition, in shared/domain/policy.ts.
 */
export type { ClusterPolicy, ApprovalMode } from "../domain/policy";

/** The desired configuration, as adopted or provisioned (the baseline profile plus overrides). */
export interface ClusterSpec {
  location: string;
  kubernetesVersion: string;
  pools: { name: string; mode: "System" | "User"; count: number; vmSize?: string; maxSurge?: string }[];
  upgradeChannel?: string;
  nodeOSUpgradeChannel?: string;
  /** Anything else the baseline profile pins, as ARM property paths to values. */
  settings?: Record<string, unknown>;
}

export interface ObservedPool {
  name: string;
  /** `System` or `User` as ARM reports it. */
  mode: string;
  orchestratorVersion: string;
  nodeImageVersion?: string;
  count: number;
  provisioningState?: string;
  powerState?: string;
}

/** What ARM last said about the cluster. */
export interface ObservedClusterState {
  at: IsoTimestamp;
  kubernetesVersion: string;
  provisioningState?: string;
  powerState?: string;
  pools: ObservedPool[];
}

export interface ClusterLockEntry {
  operationId: string;
  instanceId: string;
  since: IsoTimestamp;
}

/** One platform operation per cluster: the holder works, the queue waits in arrival order. */
export interface ClusterLock {
  holder?: ClusterLockEntry;
  queue: ClusterLockEntry[];
}

export interface ClusterRecord {
  /**
   * The cluster's name as registered: unique in the registry in any case (`AKS-PROD` is
   * `aks-prod`; ClusterRepository keys by the case-folded name).
   */
  id: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  environment: Environment;
  policy: ClusterPolicy;
  spec: ClusterSpec;
  observed?: ObservedClusterState;
  /** The Event Grid system topic whose events concern this cluster (matched on delivery). */
  eventTopic?: string;
  lock?: ClusterLock;
  /** Budget alerts received and upgrade holds (issue 13). */
  governance?: ClusterGovernanceState;
  /**
   * Set while the cluster is being provisioned here (`POST /api/clusters`): the record holds the
   * name, the resource id and the operation's lock, but it is not a cluster yet (not listed, no
   * events, sweeps, budgets or upgrades) until `registerProvisionedCluster` finds it in ARM and
   * removes this. The request hash lets the same request resume whatever it left half done.
   */
  provisioning?: { operationId: string; requestHash: string };
  /** The provisioning operation that created the managed cluster, when it was created here. */
  provisionedBy?: string;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
}

/** What a budget notification says: which budget, which threshold it crossed, the spend. */
export interface BudgetAlertFacts {
  budgetName: string;
  thresholdType: "Actual" | "Forecasted";
  /** Percent of the amount the notification is set at. */
  threshold: number;
  amount: number;
  spent: number;
  forecast?: number;
}

export interface BudgetAlertRecord extends BudgetAlertFacts {
  /** The common alert schema's `essentials.alertId`: a redelivery is recognised by it. */
  alertId: string;
  receivedAt: IsoTimestamp;
  firedAt?: IsoTimestamp;
  /** What the platform did (`card`, `scaleUserPoolsToMinimum`, ...) and why. */
  actions: string[];
  reason: string;
  /**
   * `acting`: recorded and verified against ARM, actions under way (a redelivery finishes them);
   * `acted`: done; `ignored`: ARM does not bear it out (no such budget, notification or spend), nothing done.
   * Absent on records made before verification: `acted`.
   */
  status?: "acting" | "acted" | "ignored";
  /** The Teams card went out (a redelivery posts it only if not). */
  cardPosted?: boolean;
  operationId?: string;
  holdId?: string;
}

/** Non-urgent upgrades (new minors) wait while a hold is active; patches and node images continue. */
export interface UpgradeHold {
  id: string;
  reason: string;
  since: IsoTimestamp;
  /** The alert that set it. */
  alertId?: string;
  /** Upgrades that would have started while held (target versions). */
  heldTargets: string[];
  releasedAt?: IsoTimestamp;
  releasedBy?: string;
  /** Upgrades started by the release. */
  startedOnRelease?: string[];
}

export interface ClusterGovernanceState {
  /** Newest last; the last 20 are kept. */
  alerts: BudgetAlertRecord[];
  holds: UpgradeHold[];
  /**
   * The upgrade target the cluster's policy pointed at when the sweep last looked (`none`: none).
   * The first look only notes it (what was available before is the operators' call); a later
   * sweep that finds another target knows a release came in, and starts what its event would have.
   */
  versionBaseline?: { target: string; at: IsoTimestamp };
  /** Rewrites the platform started per drift (shared/domain/governance/backoff.ts); the last 20 kept. */
  rewrites?: RewriteHistory[];
}

// ---------------------------------------------------------------- operations (pk /clusterId)

export type OperationKind =
  | "kubernetesUpgrade"
  | "nodeImageRollout"
  | "adoption"
  | "provisioning"
  | "governance"
  | "autoUpgradeDisable";

export type OperationStatus =
  | "Pending"
  | "Queued"
  | "Running"
  | "AwaitingApproval"
  | "Succeeded"
  | "Failed"
  | "Rejected"
  | "Expired"
  | "Cancelled"
  /** Stopped before any change because it cannot work now (readiness `fail`, AKS's deprecated-API block; docs/readiness.md): resumable. */
  | "Blocked";

/** Statuses after which an operation never changes again (except by an explicit resume). */
export const terminalOperationStatuses: readonly OperationStatus[] = ["Succeeded", "Failed", "Rejected", "Expired", "Cancelled", "Blocked"];

export interface OperationTrigger {
  type: "event" | "http" | "timer";
  /** Who asked: the caller's principal for `http`, the function name for `timer`. */
  by?: string;
  /** The Event Grid event id for `event`. */
  eventId?: string;
}

/** `Blocked`: AKS refused the step for a reason an operator must decide on (its deprecated-API block). */
export type StepStatus = "Pending" | "AwaitingApproval" | "Running" | "Succeeded" | "Failed" | "Skipped" | "Blocked";

export interface ArmErrorRecord {
  code: string;
  message: string;
}

/** A health-gate sample as the domain's health gate reads it (per-pool nodes, pods). */
export type HealthSampleRecord = ClusterHealthSample;

/** An Event Grid event about the step's pool (NodePoolRolling*), attached by the event handler. */
export interface StepEventRecord {
  eventId: string;
  type: string;
  at: IsoTimestamp;
  data?: unknown;
}

export interface OperationStep {
  index: number;
  /** Readable, e.g. `control plane 1.31.5 → 1.32.3` or `pool user`. */
  name: string;
  kind: "controlPlane" | "nodePool" | "nodeImage" | "configuration";
  pool?: string;
  from: string;
  to: string;
  status: StepStatus;
  startedAt?: IsoTimestamp;
  endedAt?: IsoTimestamp;
  armOperationId?: string;
  /** ARM polls spent on the step (the cost the README states). */
  polls?: number;
  healthBefore?: HealthSampleRecord;
  healthAfter?: HealthSampleRecord;
  error?: ArmErrorRecord;
  /** NodePoolRolling* events received while the step ran. */
  events?: StepEventRecord[];
}

export interface ApprovalRecord {
  /** The step index approved, or -1 for the whole plan (`oncePerUpgrade`). */
  step: number;
  decision: "approve" | "reject" | "expired" | "escalated";
  approver: string;
  comment?: string;
  at: IsoTimestamp;
  /** A decision that arrived late or twice: recorded, changed nothing. */
  ignored?: boolean;
}

/** One approval card sent (a step, or the whole plan), and what became of it. Single use: decided once. */
export interface ApprovalRequestRecord {
  /** The approval orchestration instance the decision is raised on (named in the token). */
  approvalInstanceId: string;
  step: number;
  /** `upgrade`: the name requests stored before `operation` carry (orchestrations/common/contracts.ts ApprovalScope). */
  scope: "step" | "operation" | "upgrade";
  /** 0 for the first card, 1 for the escalation. */
  round: number;
  nonce: string;
  deadline: IsoTimestamp;
  requestedAt: IsoTimestamp;
  status: "Pending" | "Approved" | "Rejected";
  decidedAt?: IsoTimestamp;
}

export interface OperationPlan {
  target: string;
  steps: { index: number; kind: OperationStep["kind"]; pool?: string; from: string; to: string }[];
  /**
   * The upgrade readiness report (issue 30) computed when the plan was made, before any approval:
   * what the approval card shows (its warnings). Absent when it could not be read (best effort).
   */
  readiness?: ReadinessReport;
}

export interface OperationOutcome {
  result: OperationStatus;
  message: string;
  failedStep?: number;
  error?: ArmErrorRecord;
}

export interface OperationCancellation {
  by: string;
  at: IsoTimestamp;
  reason?: string;
  /** The status the operation had when it was cancelled (`Queued`, `AwaitingApproval`, `Running`, ...). */
  previousStatus: OperationStatus;
}

export interface ForceUpgradeRecord {
  /** The control-plane step AKS blocked. */
  step: number;
  /** AKS's message (the APIs and when they were last seen). */
  blockedMessage: string;
  approvedBy: string;
  approvedAt: IsoTimestamp;
  comment?: string;
  /** `upgradeSettings.overrideSettings.until`: the override matches only upgrades started before it. */
  until: IsoTimestamp;
  /** When the platform set `forceUpgrade: false` again after the upgrade. */
  clearedAt?: IsoTimestamp;
}

export interface CordonedNodesRecord {
  step: number;
  pool: string;
  nodes: string[];
  /** Where the names come from (AKS's async operation message). */
  source: string;
}

export interface OperationRecord {
  id: string;
  clusterId: string;
  kind: OperationKind;
  trigger: OperationTrigger;
  status: OperationStatus;
  /** The durable orchestration instance that runs the operation. */
  instanceId?: string;
  targetVersion?: string;
  plan?: OperationPlan;
  steps: OperationStep[];
  approvals: ApprovalRecord[];
  /** Approval cards sent, for single-use enforcement of their links. */
  approvalRequests?: ApprovalRequestRecord[];
  /** Ignored decision attempts beyond the ones kept in `approvals` (a decided or expired link posted again and again). */
  ignoredApprovalAttempts?: number;
  /** Keys of Teams messages already delivered (a re-run activity does not post twice). */
  notifications?: string[];
  /** How many times an operator resumed the operation after a failure. */
  resumes?: number;
  outcome?: OperationOutcome;
  /**
   * Set by `POST /api/operations/{id}/cancel`: who stopped the operation, when, why and what it was
   * doing. A cancelled operation stays cancelled (late patches of its stopped orchestration change
   * neither status nor outcome); only a resume, which clears this, runs it again.
   */
  cancellation?: OperationCancellation;
  /** Position behind the cluster's current holder while `Queued` (1 = next). */
  queuePosition?: number;
  /**
   * AKS's deprecated-API block forced through (issue 30, docs/readiness.md): who approved it, the
   * window (`until`) written as the cluster's `upgradeSettings.overrideSettings`, and when the
   * platform cleared the override again after the upgrade.
   */
  forceUpgrade?: ForceUpgradeRecord;
  /**
   * Nodes a pool upgrade left cordoned because their drain was blocked (a PodDisruptionBudget)
   * under `undrainableNodeBehavior: Cordon`, per pool step: an operator deletes or fixes them.
   */
  cordonedNodes?: CordonedNodesRecord[];
  timings: { createdAt: IsoTimestamp; startedAt?: IsoTimestamp; endedAt?: IsoTimestamp; updatedAt: IsoTimestamp };
}

// ---------------------------------------------------------------- events (pk /id)

export interface EventRecord {
  /** The Event Grid event id: the deduplication key. */
  id: string;
  type: string;
  subject: string;
  topic: string;
  eventTime?: IsoTimestamp;
  receivedAt: IsoTimestamp;
  /** What the platform did with it: `started`, `duplicate`, `ignored`, `invalid`, ... */
  disposition?: string;
  clusterId?: string;
  operationId?: string;
  data?: unknown;
  /** SHA-256 of the event's content (type, subject, topic, time, data): a redelivery has the same one. */
  contentHash?: string;
  /** On a `conflict` record: the id of the recorded event whose content this one contradicts. */
  conflictsWith?: string;
  detail?: string;
  /**
   * While `disposition` is `routing`: until when the delivery that took the event routes it. A
   * redelivery retakes an event whose lease ran out (its routing crashed); before that it is refused.
   */
  leaseUntil?: IsoTimestamp;
  /** How many deliveries took the event's lease (1 unless a routing crashed or failed). */
  attempts?: number;
  /** The Teams cards posted for this event (`<kind>:<clusterId>`): a retaken routing does not post them again. */
  cards?: string[];
  /** Seconds until Cosmos deletes the record; falls back to the container's default TTL. */
  ttl?: number;
}

// ---------------------------------------------------------------- findings (pk /clusterId)

export interface FindingRecord {
  /** Stable per (cluster, rule), so a re-evaluation overwrites instead of piling up. */
  id: string;
  clusterId: string;
  /** `conformance` (baseline rule) or `drift` (governance found ARM ≠ spec). */
  category: "conformance" | "drift";
  rule: string;
  /** `pass` after a failure is kept (with `resolvedAt`) so the history shows it was fixed. */
  status: "pass" | "fail";
  severity: "low" | "medium" | "high";
  evidence: string;
  /** The evaluation that wrote this version. */
  observedAt: IsoTimestamp;
  /** When the current failure was first seen (kept across evaluations while it keeps failing). */
  firstSeenAt?: IsoTimestamp;
  /** When it was last seen failing (equals observedAt while failing). */
  lastSeenAt?: IsoTimestamp;
  resolvedAt?: IsoTimestamp;
  /** How it is fixed: a PUT the platform makes on its own, one behind approval, or a person. */
  remediation?: "automatic" | "approval" | "manual";
  /** The operation that remediates it, when one was started. */
  operationId?: string;
}
