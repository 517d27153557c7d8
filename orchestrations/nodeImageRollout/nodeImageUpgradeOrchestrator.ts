import * as df from "durable-functions";
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import type { ApprovalOutcome, HealthSample, UpgradeStep } from "../common/contracts";
import { runArmStep, type ArmStepOptions } from "../common/armStep";
import { nowIso, timerAfter } from "../common/time";
import type { ApprovalInput } from "../approval/approvalOrchestrator";
import { evaluateHealthGate } from "../../shared/domain/healthGate";
import type { MaintenanceWindowOccurrence } from "../../shared/domain/maintenanceWindow";
import type {
  ClusterImageState, NodeImageOperationUpdate, NodeImageStepRequest, NodeImageUpgradeInput, NodeImageUpgradeResult, PoolOutcome,
  PreparedNodeImageUpgrade
} from "./contracts";
import { readWithThrottling, spreadMs } from "./waiting";
import { acquireClusterLock, releaseClusterLock } from "../common/clusterLock";
import { stepOptions } from "./clusterPageOrchestrator";
import { defaultRolloutPolicy } from "./rolloutPolicy";

type Patch = Omit<NodeImageOperationUpdate, "clusterId" | "operationId" | "at">;

/** Activity retries for reads that do not report throttling themselves (health capture): absorbs a 429 or a blip. */
const HEALTH_RETRY = new df.RetryOptions(60_000, 5);
HEALTH_RETRY.backoffCoefficient = 2;

/**
 * Clusters whose windows open at the same minute start within this spread (never more than an
 * eighth of the window), so 500 clusters do not read ARM in the same second.
 */
const MAX_WINDOW_STAGGER_MS = 15 * 60_000;

/** Wait between a pool's roll ending and its health sample. */
const HEALTH_SETTLE_MS = 5 * 60_000;

export interface NodeImageUpgradeOptions {
  step: ArmStepOptions;
}

/**
 * One cluster's node-image upgrade. Waits for the cluster's maintenance window (its own
 * `aksManagedNodeOSUpgradeSchedule`, else the policy's), queues behind any platform operation on
 * the cluster, then upgrades the pools that are behind their `latestNodeImageVersion` one at a
 * time (approval where the policy asks, a health gate after each). No pool starts after the window
 * closes; a pool already rolling finishes, as AKS does. Whatever could not be done in this window
 * (stopped cluster, window closed, queued too long) is recorded with its reason and `catchUpDue`,
 * and the daily catch-up check runs it in the next window. A manual start ignores the window.
 */
export function* nodeImageUpgradeOrchestrator(context: OrchestrationContext): Generator<Task, NodeImageUpgradeResult, unknown> {
  const input = context.df.getInput<NodeImageUpgradeInput & { options?: NodeImageUpgradeOptions }>();
  const record = (patch: Patch): Task => context.df.callActivity(ActivityNames.recordNodeImageOperation, {
    clusterId: input.clusterId, operationId: input.operationId, at: nowIso(context), ...patch
  } satisfies NodeImageOperationUpdate);
  const finish = function* (result: NodeImageUpgradeResult["result"], pools: PoolOutcome[], reason?: string, catchUpDue = false): Generator<Task, NodeImageUpgradeResult, unknown> {
    const status = result === "failed" ? "Failed" : result === "skipped" ? "Cancelled" : "Succeeded";
    const message = reason ?? (result === "current" ? "Every pool already runs the latest node image" : `Upgraded ${pools.filter((p) => p.result === "upgraded").length} pool(s)`);
    yield record({ status, pools, outcome: { result, message, catchUpDue } });
    return { clusterId: input.clusterId, operationId: input.operationId, result, reason, pools, ...(catchUpDue ? { catchUpDue } : {}) };
  };

  const prepared = yield* readWithThrottling<PreparedNodeImageUpgrade>(context, ActivityNames.prepareNodeImageUpgrade, { ...input, options: undefined, notAfter: undefined, instanceId: context.df.instanceId, at: nowIso(context) });
  if (prepared.outcome === "notFound") return yield* finish("failed", [], prepared.error.message);

  let window: MaintenanceWindowOccurrence | undefined;
  if (input.mode !== "manual") {
    // Computed by the activity from this orchestration's time and recorded with the operation.
    window = prepared.next;
    if (!window) return yield* finish("skipped", [], "The maintenance window never opens in the next three years", false);
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    if (input.notAfter !== undefined && start > Date.parse(input.notAfter)) {
      yield record({ skip: { reason: `next maintenance window opens ${window.start}, after this rollout's week`, code: "WindowAfterRollout" } });
      return yield* finish("skipped", [], `Next maintenance window opens ${window.start}, after this rollout's week: the weekly rollout of that week takes it`, false);
    }
    const wakeAt = Math.max(start, context.df.currentUtcDateTime.getTime()) + spreadMs(input.clusterId, Math.min(MAX_WINDOW_STAGGER_MS, (end - start) / 8));
    if (wakeAt > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(wakeAt));
    // A platform that was down through the window wakes after it: that is a missed window.
    if (context.df.currentUtcDateTime.getTime() >= end) {
      return yield* skip("window closed before the platform reached the cluster", "WindowMissed");
    }
  }

  const lock = { clusterId: input.clusterId, operationId: input.operationId, instanceId: context.df.instanceId };
  const locked = yield* acquireClusterLock(context, lock, function* (attempt) {
    yield record({ status: "Queued", queuePosition: attempt.position, waitingFor: `platform operation ${attempt.holder ?? "in progress"} on the cluster` });
  }, window ? { deadline: Date.parse(window.end) } : {});
  if (!locked.acquired) return yield* skip(`window closed while queued behind ${locked.holder ?? "another platform operation"}`, "WindowClosedWhileQueued");
  try {
    return yield* upgradePools();
  } finally {
    yield releaseClusterLock(context, lock);
  }

  function* skip(reason: string, code: string, pools: PoolOutcome[] = []): Generator<Task, NodeImageUpgradeResult, unknown> {
    yield record({ skip: { reason, code } });
    return yield* finish("skipped", pools, `${reason}; caught up in its next window`, true);
  }

  function* upgradePools(): Generator<Task, NodeImageUpgradeResult, unknown> {
    if (prepared.outcome !== "ok") throw new Error("unreachable: prepared");
    const read = yield* readWithThrottling<ClusterImageState>(context, ActivityNames.readNodeImageState, { clusterId: input.clusterId, resourceId: prepared.resourceId });
    if (read.outcome === "notFound") return yield* finish("failed", [], read.error.message);
    if (read.powerState === "Stopped") return yield* skip("cluster stopped", "ClusterStopped");

    const outcomes: PoolOutcome[] = read.pools.map((p) => p.current === p.latest
      ? { pool: p.pool, result: "current", before: p.current, after: p.current, reason: "already on the latest node image (compliant)" }
      : { pool: p.pool, result: "skipped", before: p.current, reason: "not started" });
    const behind = read.pools.filter((p) => p.current !== p.latest);
    yield record({ status: "Running", waitingFor: undefined, pools: outcomes });
    if (behind.length === 0) return yield* finish("current", outcomes);

    const plan: UpgradeStep[] = behind.map((p, index) => ({ index, kind: "nodePool", pool: p.pool, from: p.current, to: p.latest }));
    const set = (pool: string, outcome: Partial<PoolOutcome>): void => {
      const at = outcomes.findIndex((o) => o.pool === pool);
      if (at >= 0) outcomes[at] = { ...outcomes[at]!, ...outcome };
    };
    const windowClosed = (): boolean => window !== undefined && context.df.currentUtcDateTime.getTime() >= Date.parse(window.end);
    const leaveRest = function* (from: number, reason: string, code: string): Generator<Task, NodeImageUpgradeResult, unknown> {
      for (const step of plan.slice(from)) set(step.pool!, { result: "skipped", reason });
      return yield* skip(reason, code, outcomes);
    };

    let approvedOnce = false;
    // The sample after one pool is the baseline of the next: P+1 health reads per cluster, not 2P.
    let baseline: HealthSample | undefined;
    let markedRunning = -1;
    for (const step of plan) {
      const pool = step.pool!;
      if (windowClosed()) return yield* leaveRest(step.index, "maintenance window closed before the pool could start", "WindowClosed");
      const needsApproval = prepared.approval.mode === "everyStep" || (prepared.approval.mode === "oncePerUpgrade" && !approvedOnce);
      if (needsApproval) {
        yield record({ status: "AwaitingApproval", pool: { index: step.index, pool, from: step.from, to: step.to, status: "AwaitingApproval" } });
        const approvalInput: ApprovalInput = {
          operationId: input.operationId, clusterId: input.clusterId, environment: prepared.environment,
          scope: prepared.approval.mode === "everyStep" ? "step" : "upgrade", step, plan,
          timeoutMinutes: prepared.approval.timeoutMinutes, onTimeout: prepared.approval.onTimeout
        };
        const approval = (yield context.df.callSubOrchestrator(OrchestratorNames.approval, approvalInput, InstanceIds.approval(context.df.instanceId, step.index))) as ApprovalOutcome;
        if (approval.outcome !== "approved") {
          const rejected = approval.outcome === "rejected" ? approval.decision : undefined;
          const approver = rejected?.approver ?? "nobody";
          yield record({ approval: { step: step.index, decision: rejected ? "reject" : "expired", approver, comment: rejected?.comment, at: nowIso(context) } });
          const reason = rejected ? `rejected by ${approver}` : `no approval by ${approval.outcome === "expired" ? approval.deadline : "the deadline"}`;
          for (const s of plan.slice(step.index)) set(s.pool!, { result: "skipped", reason });
          yield record({ status: approval.outcome === "rejected" ? "Rejected" : "Expired", pools: outcomes, outcome: { result: "skipped", message: `Pool ${pool}: ${reason}`, catchUpDue: false } });
          return { clusterId: input.clusterId, operationId: input.operationId, result: "skipped", reason: `pool ${pool} ${reason}`, pools: outcomes };
        }
        approvedOnce = true;
        yield record({ approval: { step: step.index, decision: "approve", approver: approval.decision.approver, comment: approval.decision.comment, at: approval.decision.at } });
        if (windowClosed()) return yield* leaveRest(step.index, "maintenance window closed while awaiting approval", "WindowClosedAwaitingApproval");
      }

      const startedAt = nowIso(context);
      if (markedRunning !== step.index) yield record({ status: "Running", pool: { index: step.index, pool, from: step.from, to: step.to, status: "Running", startedAt } });
      const request: NodeImageStepRequest = {
        clusterId: input.clusterId, resourceId: prepared.resourceId, operationId: input.operationId,
        step: { index: step.index, kind: "nodeImage", pool, from: step.from, to: step.to }
      };
      const healthBefore = baseline ?? (yield context.df.callActivityWithRetry(ActivityNames.captureClusterHealth, HEALTH_RETRY, { ...request, step: { ...step } })) as HealthSample;
      const result = yield* runArmStep(context, request, input.options?.step ?? stepOptions(defaultRolloutPolicy), { start: ActivityNames.startNodeImageUpgrade, check: ActivityNames.checkNodeImageUpgrade });
      const done = { index: step.index, pool, from: step.from, to: step.to, startedAt, endedAt: nowIso(context), armOperationId: result.armOperationId, polls: result.polls };
      if (result.state === "Failed") {
        set(pool, { result: "failed", reason: `${result.error.code}: ${result.error.message}` });
        for (const s of plan.slice(step.index + 1)) set(s.pool!, { result: "skipped", reason: `stopped after pool ${pool} failed` });
        yield record({ pool: { ...done, status: "Failed", result: "failed", error: result.error } });
        return yield* finish("failed", outcomes, `Pool ${pool} failed: ${result.error.code}: ${result.error.message}`);
      }
      // Platform metrics describe the last minute and arrive a few minutes late (Azure Monitor's
      // platform metrics latency): sampling at once would still see the surge node and the drain.
      yield timerAfter(context, HEALTH_SETTLE_MS);
      const healthAfter = (yield context.df.callActivityWithRetry(ActivityNames.captureClusterHealth, HEALTH_RETRY, { ...request, step: { ...step } })) as HealthSample;
      const verdict = evaluateHealthGate({ before: healthBefore, after: healthAfter, thresholds: prepared.healthGate, pools: [pool] });
      if (!verdict.pass) {
        set(pool, { result: "failed", after: step.to, reason: `health gate: ${verdict.reason}` });
        for (const s of plan.slice(step.index + 1)) set(s.pool!, { result: "skipped", reason: `stopped after the health gate of pool ${pool}` });
        yield record({ pool: { ...done, status: "Failed", result: "failed", error: { code: "HealthGateFailed", message: verdict.reason } } });
        return yield* finish("failed", outcomes, `Health gate after pool ${pool}: ${verdict.reason}`);
      }
      baseline = healthAfter;
      set(pool, { result: "upgraded", after: step.to, reason: undefined });
      // The next pool starts at this same instant unless it must be approved first: one write for both.
      const next = plan[step.index + 1];
      const nextStartsNow = next !== undefined && !windowClosed() && (prepared.approval.mode === "none" || (prepared.approval.mode === "oncePerUpgrade" && approvedOnce));
      if (next && nextStartsNow) markedRunning = next.index;
      yield record({
        pool: { ...done, status: "Succeeded", result: "upgraded" },
        ...(next && nextStartsNow ? { status: "Running" as const, nextPool: { index: next.index, pool: next.pool!, from: next.from, to: next.to, status: "Running" as const, startedAt: nowIso(context) } } : {})
      });
    }
    return yield* finish("upgraded", outcomes);
  }
}
