import type { HealthGateThresholds } from "../../shared/domain/healthGate";
import type { ReadinessReport } from "../../shared/domain/readiness";
import type { OperationStatus, StepView } from "../common/contracts";
import type { PollIntervals } from "../common/armStep";

export interface KubernetesUpgradeInput {
  operationId: string;
  clusterId: string;
  /** Absent: the newest version the cluster's policy allows. */
  targetVersion?: string;
  /** Set when an operator resumes a failed upgrade: steps already Succeeded are not repeated. */
  resume?: boolean;
  /** The run after an approved force decision (AKS's deprecated-API block): its control-plane PUT carries the override. */
  force?: { until: string; approvedBy: string };
}

/** The cluster policy's health gate (shared/domain/healthGate.ts): one definition. */
export type { HealthGateThresholds } from "../../shared/domain/healthGate";

export interface PreparedUpgrade {
  resourceId: string;
  environment: string;
  target: string;
  steps: StepView[];
  /** Index of the first step not yet Succeeded (0 for a new upgrade). */
  firstStepIndex: number;
  approval: { mode: "none" | "oncePerUpgrade" | "everyStep"; timeoutMinutes: number; onTimeout: "reject" | "escalate" };
  healthGate: HealthGateThresholds;
  /**
   * How often each step's ARM operation is polled (app settings UPGRADE_POLL_INTERVAL_SECONDS and
   * UPGRADE_POLL_MAX_INTERVAL_SECONDS, read by the activity's host, never by the orchestrator).
   * Absent in the recorded histories of upgrades started before it existed: those replay with
   * runArmStep's defaults, the intervals they were started with.
   */
  polling?: PollIntervals;
  /** Wait between a pool's roll ending and its health sample (HEALTH_SETTLE_SECONDS); absent: none. */
  healthSettleMs?: number;
  /**
   * The readiness report stored on the plan, while no step has started (absent once one has, or
   * when it could not be read): a `fail` ends the operation `Blocked` before its approval card.
   */
  readiness?: ReadinessReport;
  /** The policy's force window (`upgrade.forceUpgradeWindowHours`); absent in histories recorded before it. */
  forceUpgradeWindowHours?: number;
}

export interface KubernetesUpgradeResult {
  status: OperationStatus;
  message: string;
}
