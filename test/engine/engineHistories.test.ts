/**
 * The engine (runOperation, stepOrchestrator, call, the cluster lock) run by the durable-functions
 * SDK's executor over histories written by hand (scriptedHistory.ts): each test says what every
 * activity, timer, event and sub-orchestration answered and asserts what the orchestrator
 * scheduled in answer and the record it wrote. No host, no store: the whole file runs in milliseconds.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, EventNames, InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import { runOperation, type OperationFlow, type Planned } from "../../orchestrations/engine/runOperation";
import { stepOrchestrator, type StepRunInput, type StepRunResult } from "../../orchestrations/engine/stepOrchestrator";
import { ActivityFailedError, call } from "../../orchestrations/engine/call";
import { activityRetry, lockRetry } from "../../orchestrations/engine/retry";
import { defaultPollingPolicy, type PlanStep } from "../../orchestrations/engine/plan";
import type { OperationUpdate } from "../../orchestrations/engine/contracts";
import { postToTeams } from "../../orchestrations/common/teams";
import { deliveryOf } from "../../orchestrations/common/activities/postTeamsMessage";
import { ScriptedHistory } from "./scriptedHistory";

const T0 = "2026-11-02T08:00:00.000Z";
const ms = (iso: string): number => Date.parse(iso);
const startedAt = performance.now();

const step = (index: number, action: PlanStep["action"], extra: Partial<PlanStep> = {}): PlanStep =>
  ({ index, title: `step ${index + 1}`, action, health: false, settleMs: 0, ...extra });

const planned = (steps: PlanStep[], approval: Planned["plan"]["approval"]["mode"] = "none"): Planned => ({
  plan: {
    resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1", environment: "dev", target: "1.33.1",
    steps, approval: { mode: approval, timeoutMinutes: 60, onTimeout: "reject" }, polling: defaultPollingPolicy
  },
  done: [],
  recordPlan: { target: "1.33.1", steps: steps.map((s) => ({ index: s.index, kind: "controlPlane", from: "1.32.0", to: "1.33.1" })) }
});

/** A flow over the engine whose planner answers `plan` (or calls `planActivity` first when given). */
function operationOf(plan: Planned, options: { planActivity?: typeof ActivityNames.prepareKubernetesUpgrade; exclusive?: boolean } = {}): (context: OrchestrationContext) => Generator<Task, unknown, unknown> {
  return function* (context) {
    const flow: OperationFlow = {
      clusterId: "c1", operationId: "op1",
      plan: function* () {
        if (options.planActivity) yield* call(context, options.planActivity, { clusterId: "c1", operationId: "op1" });
        return plan;
      },
      describe: (end) => `ended ${end.status}${end.error ? `: ${end.error.code}` : ""}`,
      notify: (end) => end.status === "Succeeded" ? undefined : { kind: "operationFailed", channel: "default", payload: { clusterId: "c1", operationId: "op1", status: end.status } },
      ...(options.exclusive === false ? { exclusive: false } : {})
    };
    return yield* runOperation(context, flow);
  };
}

const updates = (h: ScriptedHistory): OperationUpdate[] => h.activityInputs<OperationUpdate>(ActivityNames.updateOperation);

describe("runOperation over hand-built histories", () => {
  it("lock → Running with the plan → one step → final record → lock released; no alert on success", async () => {
    const h = new ScriptedHistory(operationOf(planned([step(0, { type: "controlPlaneVersion", from: "1.32.0", to: "1.33.1" })])), "op1-instance", {}, T0);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.tryAcquireClusterLock}`]);
    expect(h.openTasks()[0]?.input).toEqual({ clusterId: "c1", operationId: "op1", instanceId: "op1-instance" });
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toEqual({ clusterId: "c1", operationId: "op1", at: T0, status: "Running", plan: { target: "1.33.1", steps: [{ index: 0, kind: "controlPlane", from: "1.32.0", to: "1.33.1" }] } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect((await h.run()).scheduled).toEqual([`suborchestration:${OrchestratorNames.operationStep}`]);
    const sub = h.openTasks()[0]!;
    expect(sub.instanceId).toBe(InstanceIds.step("op1-instance", 0));
    expect(sub.input).toMatchObject({ operationInstanceId: "op1-instance", step: { index: 0 }, planSteps: [{ index: 0, kind: "controlPlane", from: "1.32.0", to: "1.33.1" }] });
    expect((sub.input as StepRunInput).approvalScope).toBeUndefined();
    h.advance(600_000);
    h.completeSub(OrchestratorNames.operationStep, { status: "Succeeded", polls: 3 } satisfies StepRunResult);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toEqual({ clusterId: "c1", operationId: "op1", at: "2026-11-02T08:10:00.000Z", status: "Succeeded", outcome: { result: "Succeeded", message: "ended Succeeded" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Succeeded" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.releaseClusterLock}`]);
    h.completeActivity(ActivityNames.releaseClusterLock, null);
    const end = await h.run();
    expect(end).toEqual({ scheduled: [], isDone: true, output: { status: "Succeeded", message: "ended Succeeded" } });
  });

  it("queued behind another operation: records Queued once, asks again on a durable timer", async () => {
    const h = new ScriptedHistory(operationOf(planned([])), "op1-instance", {}, T0);
    await h.run();
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: false, position: 2, holder: "op0" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ status: "Queued", queuePosition: 2 });
    h.completeActivity(ActivityNames.updateOperation, { status: "Queued" });
    expect((await h.run()).scheduled).toEqual([`timer:+${lockRetry.firstDelayMs}`]);
    h.fireTimer();
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.tryAcquireClusterLock}`]);
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: false, position: 1, holder: "op0" });
    // Still queued: no second Queued record, a longer wait.
    expect((await h.run()).scheduled).toEqual([`timer:+${2 * lockRetry.firstDelayMs}`]);
    h.fireTimer();
    await h.run();
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).map((u) => u.status)).toEqual(["Queued", "Running"]);
  });

  it("a step that answers Failed ends the operation Failed with the step and ARM's error, releases the lock and posts the alert", async () => {
    const h = new ScriptedHistory(operationOf(planned([step(0, { type: "poolVersion", pool: "user", from: "1.32.0", to: "1.33.1" })])), "op1-instance", {}, T0);
    await h.run();
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    await h.run();
    h.completeSub(OrchestratorNames.operationStep, { status: "Failed", error: { code: "InvalidParameter", message: "orchestratorVersion is invalid" } } satisfies StepRunResult);
    await h.run();
    expect(updates(h).at(-1)).toMatchObject({ status: "Failed", outcome: { result: "Failed", failedStep: 0, error: { code: "InvalidParameter" }, message: "ended Failed: InvalidParameter" } });
    // The step recorded itself: the engine does not write the step again.
    expect(updates(h).at(-1)?.step).toBeUndefined();
    h.completeActivity(ActivityNames.updateOperation, { status: "Failed" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.releaseClusterLock}`]);
    h.completeActivity(ActivityNames.releaseClusterLock, null);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.postTeamsMessage}`]);
    expect(h.openTasks()[0]?.input).toEqual({ kind: "operationFailed", channel: "default", payload: { clusterId: "c1", operationId: "op1", status: "Failed" } });
    h.completeActivity(ActivityNames.postTeamsMessage, { delivered: true });
    const end = await h.run();
    expect(end).toMatchObject({ isDone: true, output: { status: "Failed", failedStep: { index: 0 }, error: { code: "InvalidParameter" } } });
  });

  it("a step sub-orchestration that itself fails: Failed record naming the step, lock released, alert, then the instance fails", async () => {
    const h = new ScriptedHistory(operationOf(planned([step(0, { type: "clusterStop" })])), "op1-instance", {}, T0);
    await h.run();
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    await h.run();
    h.failSub(OrchestratorNames.operationStep, "Orchestrator function 'operationStep' failed: /home/app/dist/x.js:1 boom\n    at y (/home/app/dist/x.js:1:1)");
    await h.run();
    const final = updates(h).at(-1)!;
    expect(final).toMatchObject({ status: "Failed", outcome: { result: "Failed", failedStep: 0, error: { code: "OperationFailed" } }, step: { index: 0, status: "Failed" } });
    expect(JSON.stringify(final)).not.toMatch(/\/home\/app|\n\s+at /);
    h.completeActivity(ActivityNames.updateOperation, { status: "Failed" });
    await h.run();
    h.completeActivity(ActivityNames.releaseClusterLock, null);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.postTeamsMessage}`]);
    h.completeActivity(ActivityNames.postTeamsMessage, { delivered: true });
    const end = await h.run();
    expect(end.isDone).toBe(false);
    expect(end.error).toMatch(/^Operation op1 failed: ended Failed: OperationFailed$/);
  });

  it("a planner's permanent failure ends the operation PlanFailed (nothing retried); a throttled one is waited out", async () => {
    const refused = new ScriptedHistory(operationOf(planned([]), { planActivity: "prepareKubernetesUpgrade" }), "op1-instance", {}, T0);
    await refused.run();
    refused.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    expect((await refused.run()).scheduled).toEqual(["activity:prepareKubernetesUpgrade"]);
    refused.failActivity("prepareKubernetesUpgrade", { kind: "permanent", code: "BadRequest", message: "no such version", status: 400 });
    expect((await refused.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(refused).at(-1)).toMatchObject({ status: "Failed", outcome: { error: { code: "PlanFailed", message: "no such version" } } });

    const throttled = new ScriptedHistory(operationOf(planned([]), { planActivity: "prepareKubernetesUpgrade" }), "op2-instance", {}, T0);
    await throttled.run();
    throttled.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    await throttled.run();
    throttled.failActivity("prepareKubernetesUpgrade", { kind: "throttled", code: "TooManyRequests", message: "slow down", status: 429, retryAfterMs: 2_000 });
    const wait = (await throttled.run()).scheduled;
    expect(wait).toHaveLength(1);
    const delay = Number(wait[0]!.replace("timer:+", ""));
    // Retry-After plus a deterministic spread of at most 30 s on the first attempt.
    expect(delay).toBeGreaterThanOrEqual(2_000);
    expect(delay).toBeLessThan(32_000);
    throttled.fireTimer();
    expect((await throttled.run()).scheduled).toEqual(["activity:prepareKubernetesUpgrade"]);
    throttled.completeActivity("prepareKubernetesUpgrade", {});
    expect((await throttled.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(throttled).at(-1)).toMatchObject({ status: "Running" });
  });

  it("a wave runs its steps together (Task.all of step sub-orchestrations); the next step waits for the whole wave", async () => {
    const put = (i: number, wave?: number): PlanStep => step(i, { type: "armResourcePut", resourceId: `/r/${i}`, apiVersion: "2024-01-01", change: "create", body: {} }, wave === undefined ? {} : { wave });
    const h = new ScriptedHistory(operationOf(planned([put(0, 1), put(1, 1), put(2)])), "op1-instance", {}, T0);
    await h.run();
    h.completeActivity(ActivityNames.tryAcquireClusterLock, { acquired: true });
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect((await h.run()).scheduled).toEqual([`suborchestration:${OrchestratorNames.operationStep}`, `suborchestration:${OrchestratorNames.operationStep}`]);
    expect(h.openTasks().map((t) => t.instanceId)).toEqual([InstanceIds.step("op1-instance", 0), InstanceIds.step("op1-instance", 1)]);
    h.completeSub(OrchestratorNames.operationStep, { status: "Succeeded", polls: 1 } satisfies StepRunResult);
    // One of the wave finished: nothing new until the other does.
    expect((await h.run()).scheduled).toEqual([]);
    h.completeSub(OrchestratorNames.operationStep, { status: "Succeeded", polls: 2 } satisfies StepRunResult);
    expect((await h.run()).scheduled).toEqual([`suborchestration:${OrchestratorNames.operationStep}`]);
    expect(h.openTasks()[0]?.instanceId).toBe(InstanceIds.step("op1-instance", 2));
  });

  it("a non-exclusive operation takes no lock", async () => {
    const h = new ScriptedHistory(operationOf(planned([]), { exclusive: false }), "op1-instance", {}, T0);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    h.completeActivity(ActivityNames.updateOperation, { status: "Succeeded" });
    expect(await h.run()).toMatchObject({ scheduled: [], isDone: true, output: { status: "Succeeded" } });
  });
});

const stepInput = (s: PlanStep, extra: Partial<StepRunInput> = {}): StepRunInput => ({
  target: { clusterId: "c1", operationId: "op1", resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1" },
  operationInstanceId: "op1-instance",
  plan: { environment: "dev", approval: { mode: "none", timeoutMinutes: 60, onTimeout: "reject" }, polling: defaultPollingPolicy },
  planSteps: [{ index: s.index, kind: "nodePool", pool: "user", from: "1.32.0", to: "1.33.1" }],
  step: s, ...extra
});

describe("stepOrchestrator over hand-built histories", () => {
  const poolStep = step(0, { type: "poolVersion", pool: "user", from: "1.32.0", to: "1.33.1" });

  it("a pool step: Running → start → waits for AKS's event or the safety-net poll; the event wakes the check at once", async () => {
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", stepInput(poolStep), T0, OrchestratorNames.operationStep);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h)[0]).toMatchObject({ status: "Running", step: { index: 0, status: "Running", startedAt: T0, kind: "nodePool", pool: "user", name: "step 1" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.startUpgradeStep}`]);
    expect(h.openTasks()[0]?.input).toMatchObject({ clusterId: "c1", operationId: "op1", step: { index: 0, kind: "nodePool", pool: "user", from: "1.32.0", to: "1.33.1" } });
    h.completeActivity(ActivityNames.startUpgradeStep, { outcome: "started", armOperationId: "/operations/1" });
    // A pool step polls only as the safety net for a lost event: 3 × the cap.
    expect((await h.run()).scheduled).toEqual([`wait:${EventNames.stepEvent}`, `timer:+${3 * defaultPollingPolicy.maxIntervalMs}`]);
    h.advance(120_000);
    h.raise(EventNames.stepEvent, { type: "NodePoolRollingSucceeded" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.checkUpgradeStep}`]);
    expect(h.openTasks().find((t) => t.kind === "timer")?.canceled).toBe(true);
    expect(h.openTasks().find((t) => t.kind === "activity")?.input).toMatchObject({ armOperationId: "/operations/1" });
    h.completeActivity(ActivityNames.checkUpgradeStep, { state: "Succeeded" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { index: 0, status: "Succeeded", endedAt: "2026-11-02T08:02:00.000Z", polls: 1, armOperationId: "/operations/1" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect(await h.run()).toEqual({ scheduled: [], isDone: true, output: { status: "Succeeded", polls: 1, armOperationId: "/operations/1" } });
  });

  it("a control-plane step polls on timers from the first interval, doubling; a Failed check fails the step with ARM's error", async () => {
    const cp = step(0, { type: "controlPlaneVersion", from: "1.32.0", to: "1.33.1" });
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", stepInput(cp), T0, OrchestratorNames.operationStep);
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    await h.run();
    h.completeActivity(ActivityNames.startUpgradeStep, { outcome: "started" });
    expect((await h.run()).scheduled).toEqual([`wait:${EventNames.stepEvent}`, `timer:+${defaultPollingPolicy.firstIntervalMs}`]);
    h.fireTimer();
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.checkUpgradeStep}`]);
    h.completeActivity(ActivityNames.checkUpgradeStep, { state: "InProgress" });
    expect((await h.run()).scheduled).toEqual([`wait:${EventNames.stepEvent}`, `timer:+${2 * defaultPollingPolicy.firstIntervalMs}`]);
    h.fireTimer();
    await h.run();
    h.completeActivity(ActivityNames.checkUpgradeStep, { state: "Failed", error: { code: "UpgradeFailed", message: "etcd unhealthy" } });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { index: 0, status: "Failed", polls: 2, error: { code: "UpgradeFailed", message: "etcd unhealthy" } } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect(await h.run()).toMatchObject({ isDone: true, output: { status: "Failed", error: { code: "UpgradeFailed" } } });
  });

  it("409 OperationNotAllowed: waits the conflict backoff on a timer and starts again", async () => {
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", stepInput(poolStep), T0, OrchestratorNames.operationStep);
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    await h.run();
    h.completeActivity(ActivityNames.startUpgradeStep, { outcome: "conflict", error: { code: "OperationNotAllowed", message: "Another operation is in progress" } });
    expect((await h.run()).scheduled).toEqual([`timer:+${defaultPollingPolicy.conflictBaseDelayMs}`]);
    h.fireTimer();
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.startUpgradeStep}`]);
    h.completeActivity(ActivityNames.startUpgradeStep, { outcome: "alreadyDone" });
    // Already done: no wait, recorded Succeeded at once.
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { status: "Succeeded", polls: 0 } });
  });

  it("asks for approval first when the plan says so; a rejection skips the step and starts nothing", async () => {
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", stepInput(poolStep, { approvalScope: "operation" }), T0, OrchestratorNames.operationStep);
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h)[0]).toMatchObject({ status: "AwaitingApproval", step: { status: "AwaitingApproval" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "AwaitingApproval" });
    expect((await h.run()).scheduled).toEqual([`suborchestration:${OrchestratorNames.approval}`]);
    const approval = h.openTasks()[0]!;
    expect(approval.instanceId).toBe(InstanceIds.approval("op1-instance", 0));
    expect(approval.input).toMatchObject({ scope: "operation", step: { index: 0, pool: "user" }, timeoutMinutes: 60, onTimeout: "reject" });
    h.completeSub(OrchestratorNames.approval, { outcome: "rejected", decision: { decision: "reject", approver: "ana", comment: "not today", at: T0 } });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { status: "Skipped" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "AwaitingApproval" });
    expect(await h.run()).toEqual({ scheduled: [], isDone: true, output: { status: "Rejected", approver: "ana", comment: "not today" } });
    expect(h.activityInputs(ActivityNames.startUpgradeStep)).toEqual([]);
  });

  it("a pool step with a health gate: samples before, waits the settle time on a timer after the roll, and fails the step when the gate fails", async () => {
    const sample = (ready: number) => ({ at: T0, pools: [{ pool: "user", nodesReady: ready, nodesTotal: 3 }], podsReadyRatio: 1, podsFailed: 0, podsPending: 0 });
    const gate = { minNodesReadyRatio: 1, minPodsReadyRatio: 0.9, maxPodsReadyDrop: 0.05, maxFailedPodsIncrease: 0, maxPendingPodsIncrease: 3 };
    const gated = { ...poolStep, health: true, settleMs: 300_000 };
    const input = stepInput(gated, { plan: { ...stepInput(gated).plan, healthGate: gate } });
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", input, T0, OrchestratorNames.operationStep);
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.captureClusterHealth}`]);
    h.completeActivity(ActivityNames.captureClusterHealth, sample(3));
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.startUpgradeStep}`]);
    h.completeActivity(ActivityNames.startUpgradeStep, { outcome: "started" });
    await h.run();
    h.raise(EventNames.stepEvent, { type: "NodePoolRollingSucceeded" });
    await h.run();
    h.completeActivity(ActivityNames.checkUpgradeStep, { state: "Succeeded" });
    // Metrics lag: the settle time (plan data) on a durable timer before the second sample.
    expect((await h.run()).scheduled).toEqual(["timer:+300000"]);
    h.fireTimer();
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.captureClusterHealth}`]);
    h.completeActivity(ActivityNames.captureClusterHealth, sample(2));
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { status: "Failed", error: { code: "HealthGateFailed" }, healthBefore: sample(3), healthAfter: sample(2) } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Running" });
    expect(await h.run()).toMatchObject({ isDone: true, output: { status: "Failed", error: { code: "HealthGateFailed" } } });
  });

  it("a maintenance window closed while awaiting approval: the approved step is skipped, NotStarted, nothing started", async () => {
    const input = stepInput(poolStep, { approvalScope: "step", plan: { ...stepInput(poolStep).plan, notAfter: "2026-11-02T09:00:00.000Z" } });
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", input, T0, OrchestratorNames.operationStep);
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "AwaitingApproval" });
    await h.run();
    h.advance(2 * 3600_000);
    h.completeSub(OrchestratorNames.approval, { outcome: "approved", decision: { decision: "approve", approver: "ana", at: "2026-11-02T10:00:00.000Z" } });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { status: "Skipped" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "AwaitingApproval" });
    expect(await h.run()).toMatchObject({ isDone: true, output: { status: "NotStarted", code: "WindowClosedAwaitingApproval", afterApproval: true } });
    expect(h.activityInputs(ActivityNames.startUpgradeStep)).toEqual([]);
  });

  it("an operation cancelled while the step was being scheduled starts nothing in AKS", async () => {
    const h = new ScriptedHistory(stepOrchestrator, "op1-instance:step:0", stepInput(poolStep), T0, OrchestratorNames.operationStep);
    await h.run();
    h.completeActivity(ActivityNames.updateOperation, { status: "Cancelled", cancelled: true });
    expect((await h.run()).scheduled).toEqual([`activity:${ActivityNames.updateOperation}`]);
    expect(updates(h).at(-1)).toMatchObject({ step: { status: "Skipped" } });
    h.completeActivity(ActivityNames.updateOperation, { status: "Cancelled", cancelled: true });
    expect(await h.run()).toMatchObject({ isDone: true, output: { status: "NotStarted", code: "OperationCancelled" } });
  });
});

describe("call over hand-built histories", () => {
  const caller = (name: typeof ActivityNames.readNodeImageState | typeof ActivityNames.putBudget) => function* (context: OrchestrationContext): Generator<Task, unknown, unknown> {
    try {
      // The input is the activity's own shape; the history answers for it.
      return { value: yield* (name === ActivityNames.putBudget
        ? call(context, name, { clusterId: "c1", operationId: "op1", resourceId: "/r", step: { index: 0 }, action: { type: "budgetPut", scope: "/s", name: "b", amount: 1, actionGroupId: "/ag" } })
        : call(context, name, { clusterId: "c1", resourceId: "/r" })) };
    } catch (err) {
      return err instanceof ActivityFailedError ? { failed: err.failure, attempts: err.attempts } : { other: String(err) };
    }
  };

  it("a transient failure is retried after the doubling backoff; a value comes back unwrapped", async () => {
    const h = new ScriptedHistory(caller("readNodeImageState"), "i", {}, T0);
    await h.run();
    h.failActivity("readNodeImageState", { kind: "transient", code: "Http503", message: "unavailable", status: 503 });
    expect((await h.run()).scheduled).toEqual([`timer:+${activityRetry.firstDelayMs}`]);
    h.fireTimer();
    await h.run();
    h.failActivity("readNodeImageState", { kind: "transient", code: "Http503", message: "unavailable", status: 503 });
    expect((await h.run()).scheduled).toEqual([`timer:+${2 * activityRetry.firstDelayMs}`]);
    h.fireTimer();
    await h.run();
    h.completeActivity("readNodeImageState", 42);
    expect(await h.run()).toMatchObject({ isDone: true, output: { value: 42 } });
  });

  it("a permanent failure is not retried; a task the host failed is permanent, its message cleaned", async () => {
    const refused = new ScriptedHistory(caller("putBudget"), "i", {}, T0);
    await refused.run();
    refused.failActivity("putBudget", { kind: "permanent", code: "InvalidParameter", message: "bad", status: 400 });
    expect(await refused.run()).toEqual({ scheduled: [], isDone: true, output: { failed: { kind: "permanent", code: "InvalidParameter", message: "bad", status: 400 }, attempts: 1 } });

    const crashed = new ScriptedHistory(caller("putBudget"), "i", {}, T0);
    await crashed.run();
    crashed.taskFailed("putBudget", "Activity function 'putBudget' failed: /srv/app/dist/a.js exploded\n    at f (/srv/app/dist/a.js:3:4)");
    const end = await crashed.run();
    expect(end.output).toMatchObject({ failed: { kind: "permanent", code: "ActivityFailed" }, attempts: 1 });
    expect(JSON.stringify(end.output)).not.toMatch(/\/srv\/app|\n\s+at /);
  });

  it("gives up once the retry budget would be passed", async () => {
    const h = new ScriptedHistory(caller("readNodeImageState"), "i", {}, T0);
    await h.run();
    let attempts = 1;
    for (;;) {
      h.failActivity("readNodeImageState", { kind: "transient", code: "Http500", message: "oops", status: 500 });
      const e = await h.run();
      if (e.isDone) {
        expect(e.output).toMatchObject({ failed: { code: "Http500" }, attempts });
        break;
      }
      h.fireTimer();
      await h.run();
      attempts++;
    }
    expect(h.now - ms(T0)).toBeLessThanOrEqual(activityRetry.budgetMs ?? 0);
    expect(attempts).toBeGreaterThan(3);
  });
});

describe("Teams delivery over hand-built histories", () => {
  const poster = function* (context: OrchestrationContext): Generator<Task, unknown, unknown> {
    return yield* postToTeams(context, { kind: "operationFailed", channel: "default", payload: {} }, new Date(context.df.currentUtcDateTime.getTime() + 3600_000));
  };

  it("a throttled webhook is asked again after its Retry-After; a 4xx is permanent and asked no more", async () => {
    const throttled = new ScriptedHistory(poster, "n", {}, T0);
    await throttled.run();
    throttled.completeActivity(ActivityNames.postTeamsMessage, deliveryOf({ delivered: false, status: 429, retryable: true, retryAfterMs: 30_000, error: "HTTP 429" }));
    expect((await throttled.run()).scheduled).toEqual(["timer:+30000"]);
    throttled.fireTimer();
    await throttled.run();
    throttled.completeActivity(ActivityNames.postTeamsMessage, deliveryOf({ delivered: true, status: 200 }));
    expect(await throttled.run()).toMatchObject({ isDone: true, output: true });

    const refused = new ScriptedHistory(poster, "n", {}, T0);
    await refused.run();
    refused.completeActivity(ActivityNames.postTeamsMessage, deliveryOf({ delivered: false, status: 404, retryable: false, error: "HTTP 404" }));
    expect(await refused.run()).toEqual({ scheduled: [], isDone: true, output: false });
  });
});

afterAll(() => {
  // The whole file runs in milliseconds (no host, no store): printed for the record.
  process.stdout.write(`engine history tests: ${Math.round(performance.now() - startedAt)} ms\n`);
});
