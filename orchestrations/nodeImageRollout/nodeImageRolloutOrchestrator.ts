import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { ActivityNames, InstanceIds, OrchestratorNames } from "../names";
import { nowIso, timerAfter } from "../common/time";
import type { NodeImageRolloutInput, RingInput, RingResult, RolloutRecordUpdate } from "./contracts";
import { postSummary } from "./notify";
import type { RingOutcome } from "./ringOrchestrator";
import { failureBudget, ringName } from "./rolloutPolicy";

/** One week: the next weekly rollout starts then. */
const ROLLOUT_HORIZON_MS = 7 * 24 * 3600_000;

export interface NodeImageRolloutResult {
  rolloutId: string;
  status: "Succeeded" | "Failed";
  rings: RingResult[];
  stoppedAtRing?: number;
  message: string;
}

/**
 * The weekly node-image rollout over the fleet: rings in order (dev → staging → prod by default),
 * each ring's clusters upgraded in their own windows, a soak between rings, and a failure budget
 * per ring: a ring with more failed clusters than its budget stops the rollout, and Teams is told
 * which ring and why. One record (`operations`, partition `fleet`) tells the rollout's story; each
 * cluster has its own operation record.
 */
export function* nodeImageRolloutOrchestrator(context: OrchestrationContext): Generator<Task, NodeImageRolloutResult, unknown> {
  const input = context.df.getInput<NodeImageRolloutInput>();
  const record = (patch: Omit<RolloutRecordUpdate, "rolloutId" | "at">) =>
    call(context, ActivityNames.recordNodeImageRollout, { rolloutId: input.rolloutId, at: nowIso(context), ...patch } satisfies RolloutRecordUpdate);

  const plan = yield* call(context, ActivityNames.planNodeImageRollout, undefined);
  yield* record({ create: { week: input.week, trigger: input.trigger, policy: input.policy, plan }, status: "Running" });

  // A cluster whose next window opens after this is next week's rollout's: a ring never waits a week.
  const notAfter = new Date(context.df.currentUtcDateTime.getTime() + ROLLOUT_HORIZON_MS).toISOString();
  const rings: RingResult[] = [];
  for (let i = 0; i < plan.rings.length; i++) {
    const ring = plan.rings[i]!.ring;
    const startedAt = nowIso(context);
    yield* record({ ringStarted: { ring, at: startedAt } });
    const ringInput: RingInput = { rolloutId: input.rolloutId, ring, policy: input.policy, notAfter };
    const outcome = (yield context.df.callSubOrchestrator(OrchestratorNames.nodeImageRing, ringInput, InstanceIds.nodeImageRing(context.df.instanceId, ring))) as RingOutcome;
    const budget = failureBudget(input.policy, outcome.clusters);
    const result: RingResult = {
      ring, clusters: outcome.clusters, upgraded: outcome.upgraded, current: outcome.current, skipped: outcome.skipped, failed: outcome.failed,
      startedAt, endedAt: nowIso(context), failureBudget: budget, overBudget: outcome.failed > budget
    };
    rings.push(result);
    const next = plan.rings[i + 1];
    const soakUntil = !result.overBudget && next ? new Date(context.df.currentUtcDateTime.getTime() + input.policy.soakHours * 3600_000).toISOString() : undefined;
    yield* record({ ring: { ...result, status: result.overBudget ? "Stopped" : "Completed", ...(soakUntil ? { soakUntil } : {}) } });
    yield* postSummary(context, {
      kind: "ring", rolloutId: input.rolloutId, ring, ringResult: result, notable: outcome.notable,
      ...(soakUntil && next ? { nextRingAt: soakUntil, nextRing: next.ring } : {}),
      ...(result.overBudget && next ? { nextRing: next.ring } : {})
    });
    if (result.overBudget) {
      const message = `Stopped at ring ${ring} (${ringName(ring)}): ${result.failed} failed cluster(s), budget ${budget}; later rings not started`;
      return yield* finish("Failed", message, ring);
    }
    if (soakUntil) yield timerAfter(context, input.policy.soakHours * 3600_000);
  }
  const totals = rings.reduce((n, r) => n + r.upgraded, 0);
  return yield* finish("Succeeded", `${rings.length} ring(s) done; ${totals} cluster(s) upgraded`);

  function* finish(status: "Succeeded" | "Failed", message: string, stoppedAtRing?: number): Generator<Task, NodeImageRolloutResult, unknown> {
    yield* record({ status, outcome: { result: status, message } });
    yield* postSummary(context, { kind: "rollout", rolloutId: input.rolloutId, rings, ...(stoppedAtRing !== undefined ? { stoppedAt: stoppedAtRing } : {}) });
    return { rolloutId: input.rolloutId, status, rings, message, ...(stoppedAtRing !== undefined ? { stoppedAtRing } : {}) };
  }
}
