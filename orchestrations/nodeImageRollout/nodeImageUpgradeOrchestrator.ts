import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import { call } from "../engine/call";
import { nowIso, timerAfter } from "../common/time";
import { runOperation, type OperationEnd, type Planned } from "../engine/runOperation";
import { defaultPollingPolicy, type PollingPolicy } from "../engine/plan";
import type { MaintenanceWindowOccurrence } from "../../shared/domain/maintenanceWindow";
import type { NodeImageOperationPatch, NodeImageSections, NodeImageUpgradeInput, NodeImageUpgradeResult, PoolOutcome } from "./contracts";
import { spreadMs } from "../engine/spread";
import { blockedReason, failingChecks } from "../../shared/domain/readiness";

/**
 * Clusters whose windows open at the same minute start within this spread (never more than an
 * eighth of the window), so 500 clusters do not read ARM in the same second.
 */
const MAX_WINDOW_STAGGER_MS = 15 * 60_000;

/**
 * A ring starts all its clusters at once; each first reads its maintenance configuration. Spread
 * over two minutes, 3,000 clusters stay within ARM's read bucket (250 at once, 25 a second) instead
 * of meeting 429s, and the platform does not start them all in the same second. A manual start, an
 * operator's request, goes at once.
 */
const PREPARE_STAGGER_MS = 2 * 60_000;

/** The engine's polling and the settle time before a pool's health sample, from the app settings (passed as data). */
export interface NodeImageUpgradeOptions {
  polling?: Partial<PollingPolicy>;
  healthSettleMs?: number;
}

/**
 * One cluster's node-image upgrade: a planner over the operation engine. Waits for the cluster's
 * maintenance window (its own `aksManagedNodeOSUpgradeSchedule`, else the policy's), then the
 * engine queues behind any platform operation on the cluster (giving up when the window closes),
 * and upgrades the pools behind their `latestNodeImageVersion` one at a time, system pools first
 * (approval where the policy asks, a health gate after each). No pool starts after the window
 * closes (the plan's `notAfter`); a pool already rolling finishes, as AKS does. Whatever could not
 * be done in this window (stopped cluster, window closed, queued too long) is recorded with its
 * reason and `catchUpDue`, and the daily catch-up check runs it in the next window. A manual start
 * ignores the window.
 */
export function* nodeImageUpgradeOrchestrator(context: OrchestrationContext): Generator<Task, NodeImageUpgradeResult, unknown> {
  const input = context.df.getInput<NodeImageUpgradeInput & { options?: NodeImageUpgradeOptions }>();
  const ids = { clusterId: input.clusterId, operationId: input.operationId };
  const record = (patch: NodeImageOperationPatch) => call(context, ActivityNames.updateOperation, { ...ids, at: nowIso(context), ...patch });
  const result = (r: NodeImageUpgradeResult["result"], pools: PoolOutcome[], reason?: string, catchUpDue = false): NodeImageUpgradeResult =>
    ({ ...ids, result: r, ...(reason !== undefined ? { reason } : {}), pools, ...(catchUpDue ? { catchUpDue } : {}) });
  /** An end before the engine runs: recorded as the engine would. */
  const endEarly = function* (status: "Failed" | "Cancelled", r: NodeImageUpgradeResult["result"], message: string, skip?: { code: string; reason: string }, catchUpDue = false): Generator<Task, NodeImageUpgradeResult, unknown> {
    yield* record({ status, outcome: { result: status, message }, nodeImage: { ...(skip ? { skip } : {}), result: r, catchUpDue } });
    return result(r, [], message, catchUpDue);
  };

  if (input.mode !== "manual") {
    // Issue 31: within the cluster's subscription's read bucket when the ring said how many share it.
    yield timerAfter(context, 1 + spreadMs(input.clusterId, input.prepareSpreadMs ?? PREPARE_STAGGER_MS));
  }
  const prepared = yield* call(context, ActivityNames.prepareNodeImageUpgrade, { ...preparedInputOf(input), instanceId: context.df.instanceId, at: nowIso(context) });
  if (prepared.outcome === "notFound") return yield* endEarly("Failed", "failed", prepared.error.message);

  let window: MaintenanceWindowOccurrence | undefined;
  if (input.mode !== "manual") {
    // Computed by the activity from this orchestration's time and recorded with the operation.
    window = prepared.next;
    if (!window) return yield* endEarly("Cancelled", "skipped", "The maintenance window never opens in the next three years");
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    if (input.notAfter !== undefined && start > Date.parse(input.notAfter)) {
      return yield* endEarly("Cancelled", "skipped", `Next maintenance window opens ${window.start}, after this rollout's week: the weekly rollout of that week takes it`,
        { reason: `next maintenance window opens ${window.start}, after this rollout's week`, code: "WindowAfterRollout" });
    }
    // Issue 31: within the cluster's subscription's buckets when the ring said how many share it.
    const stagger = Math.min(MAX_WINDOW_STAGGER_MS, (end - start) / 8, input.windowSpreadMs ?? MAX_WINDOW_STAGGER_MS);
    const wakeAt = Math.max(start, context.df.currentUtcDateTime.getTime()) + spreadMs(input.clusterId, stagger);
    if (wakeAt > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(wakeAt));
    // A platform that was down through the window wakes after it: that is a missed window.
    if (context.df.currentUtcDateTime.getTime() >= end) {
      const reason = "window closed before the platform reached the cluster";
      return yield* endEarly("Cancelled", "skipped", `${reason}; caught up in its next window`, { reason, code: "WindowMissed" }, true);
    }
  }

  let pools: PoolOutcome[] = [];
  let plannedRun: Planned | undefined;
  const polling: PollingPolicy = { ...defaultPollingPolicy, ...(input.options?.polling ?? {}) };
  const end = yield* runOperation<NodeImageSections>(context, {
    ...ids,
    ...(window ? { lockDeadline: Date.parse(window.end) } : {}),
    queuedPatch: (attempt) => ({ status: "Queued", queuePosition: attempt.position, nodeImage: { waitingFor: `platform operation ${attempt.holder ?? "in progress"} on the cluster` } }),
    plan: function* () {
      const read = yield* call(context, ActivityNames.readNodeImageState, { clusterId: input.clusterId, resourceId: prepared.resourceId, operationId: input.operationId });
      if (read.outcome === "notFound") throw new Error(read.error.message);
      pools = read.powerState === "Stopped" ? [] : read.pools.map((p) => p.current === p.latest
        ? { pool: p.pool, result: "current", before: p.current, after: p.current, reason: "already on the latest node image (compliant)" }
        : { pool: p.pool, result: "skipped", before: p.current, reason: "not started" });
      const behind = read.powerState === "Stopped" ? [] : read.pools.filter((p) => p.current !== p.latest);
      yield* record({ nodeImage: { waitingFor: null, pools } });
      const planned: Planned = {
        plan: {
          resourceId: prepared.resourceId, environment: prepared.environment, target: behind[0]?.latest ?? read.pools[0]?.latest ?? "",
          steps: behind.map((p, index) => ({
            index, title: `node image, pool ${p.pool}`, action: { type: "poolNodeImage", pool: p.pool, from: p.current, to: p.latest },
            health: true, settleMs: input.options?.healthSettleMs ?? 0
          })),
          approval: prepared.approval, healthGate: prepared.healthGate, polling,
          ...(window ? { notAfter: window.end } : {})
        },
        done: [],
        recordPlan: { target: behind[0]?.latest ?? "", steps: behind.map((p, index) => ({ index, kind: "nodeImage", pool: p.pool, from: p.current, to: p.latest })) },
        ...(read.powerState === "Stopped" ? { end: { status: "Cancelled", notStarted: { code: "ClusterStopped", reason: "cluster stopped" } } } : {})
      };
      // A readiness `fail` (no vCPU or subnet room for the surge, a failed cluster) stops the
      // operation before its approval card, nothing written to AKS (issue 30).
      const failing = failingChecks(read.readiness);
      if (!planned.end && behind.length > 0 && failing.length > 0) {
        return { ...planned, end: { status: "Blocked", error: { code: "ReadinessFailed", message: blockedReason(failing) } } };
      }
      return planned;
    },
    describe: (e, planned) => describeEnd(e, planned, pools),
    finalPatch: (e, planned) => {
      plannedRun = planned;
      pools = poolOutcomes(e, planned, pools);
      const { r, catchUpDue } = clusterResult(e, planned);
      return { nodeImage: { pools, result: r, catchUpDue, ...(e.notStarted ? { skip: { code: e.notStarted.code, reason: e.notStarted.reason } } : {}) } };
    }
  });
  const { r, catchUpDue } = clusterResult(end, plannedRun);
  const reason = end.status === "Succeeded" && r !== "current" ? undefined : end.status === "Rejected" || end.status === "Expired" ? `pool ${end.failedStep ? poolOfStep(end) : "?"} ${end.message}` : end.message;
  return result(r, pools, reason, catchUpDue);
}

function poolOfStep(end: OperationEnd): string {
  const a = end.failedStep?.action;
  return a && a.type === "poolNodeImage" ? a.pool : "?";
}

function clusterResult(end: OperationEnd, planned: Planned | undefined): { r: NodeImageUpgradeResult["result"]; catchUpDue: boolean } {
  switch (end.status) {
    case "Succeeded": return { r: planned && planned.plan.steps.length === 0 ? "current" : "upgraded", catchUpDue: false };
    case "Failed": return { r: "failed", catchUpDue: false };
    case "Rejected":
    case "Expired": return { r: "skipped", catchUpDue: false };
    default: return { r: "skipped", catchUpDue: end.notStarted !== undefined };
  }
}

function describeEnd(end: Omit<OperationEnd, "message">, planned: Planned | undefined, pools: PoolOutcome[]): string {
  const pool = end.failedStep?.action.type === "poolNodeImage" ? end.failedStep.action.pool : "?";
  switch (end.status) {
    case "Succeeded":
      return planned && planned.plan.steps.length === 0 ? "Every pool already runs the latest node image" : `Upgraded ${planned?.plan.steps.length ?? pools.filter((p) => p.result === "upgraded").length} pool(s)`;
    case "Rejected": return `rejected by ${end.approvedBy ?? "?"}`;
    case "Expired": return `no approval ${end.error?.message ?? "by the deadline"}`;
    case "Blocked": return `Readiness failed, nothing asked or changed: ${end.error?.message ?? ""}`;
    case "Failed":
      if (!planned) return end.error?.message ?? "failed";
      if (end.error?.code === "HealthGateFailed") return `Health gate after pool ${pool}: ${end.error.message}`;
      return `Pool ${pool} failed: ${end.error?.code ?? "Error"}: ${end.error?.message ?? ""}`;
    default:
      return end.notStarted ? `${end.notStarted.reason}; caught up in its next window` : "cancelled";
  }
}

/** Each pool's outcome from where the engine stopped: pools before it upgraded, it failed or skipped, the rest skipped. */
function poolOutcomes(end: OperationEnd, planned: Planned | undefined, pools: PoolOutcome[]): PoolOutcome[] {
  if (!planned) return pools;
  const stopAt = end.failedStep?.index ?? end.notStarted?.step.index ?? planned.plan.steps.length;
  const byPool = new Map(planned.plan.steps.map((s) => [s.action.type === "poolNodeImage" ? s.action.pool : "", s] as const));
  return pools.map((p) => {
    const step = byPool.get(p.pool);
    if (!step || step.action.type !== "poolNodeImage") return p;
    const to = step.action.to;
    if (end.status === "Succeeded" || step.index < stopAt) return { pool: p.pool, result: "upgraded", before: p.before, after: to };
    if (step.index === stopAt && end.status === "Failed") {
      const gate = end.error?.code === "HealthGateFailed";
      return { pool: p.pool, result: "failed", before: p.before, ...(gate ? { after: to } : {}), reason: gate ? `health gate: ${end.error!.message}` : `${end.error?.code ?? "Error"}: ${end.error?.message ?? ""}` };
    }
    const reason = end.status === "Failed"
      ? `stopped after pool ${end.failedStep?.action.type === "poolNodeImage" ? end.failedStep.action.pool : "?"} ${end.error?.code === "HealthGateFailed" ? "health gate" : "failed"}`
      : end.status === "Rejected" || end.status === "Expired" ? describeEnd(end, planned, pools) : end.notStarted?.reason ?? "not started";
    return { pool: p.pool, result: "skipped", before: p.before, reason };
  });
}

/** What `prepareNodeImageUpgrade` is sent: the input without the orchestration's own knobs (options, horizon, spread). */
function preparedInputOf(input: NodeImageUpgradeInput & { options?: NodeImageUpgradeOptions }): NodeImageUpgradeInput {
  const { options: _options, notAfter: _notAfter, prepareSpreadMs: _prepareSpreadMs, windowSpreadMs: _windowSpreadMs, ...rest } = input;
  return rest;
}
