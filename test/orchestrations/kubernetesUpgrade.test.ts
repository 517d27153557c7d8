/**
 * The real kubernetesUpgrade and approval orchestrators on the local host with a virtual clock,
 * against scripted activities: the branches the scenarios do not reach cheaply (queueing, conflict
 * backoff running out, a step timing out, a failing health gate, no plan, a failing Teams webhook,
 * one approval for the whole upgrade).
 */
import type { OperationUpdate } from "../../orchestrations/engine/contracts";
import { calls, healthy, prepared, raise, start, startOrchestrationHost, status, upgradeInput, type OrchestrationHarness } from "./support";

const ID = "k8s-upgrade:c1:1.36.2";
const T0 = "2026-11-02T08:00:00.000Z";

describe("kubernetesUpgrade orchestration", () => {
  let h: OrchestrationHarness | undefined;
  afterEach(async () => { await h?.stop(); h = undefined; });

  const updates = (x: OrchestrationHarness): OperationUpdate[] => calls<OperationUpdate>(x, "updateOperation").map((c) => c.input);

  it("waits in the cluster's queue, reported once as Queued, asking again with a growing interval", async () => {
    h = await startOrchestrationHost({
      tryAcquireClusterLock: [{ acquired: false, position: 2, holder: "other" }, { acquired: false, position: 1, holder: "other" }, { acquired: true }],
      prepareKubernetesUpgrade: [prepared(1)],
      startUpgradeStep: [{ outcome: "started", armOperationId: "/operations/1" }],
      checkUpgradeStep: [{ state: "Succeeded" }],
      captureClusterHealth: [healthy(T0)]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    expect(updates(h).filter((u) => u.status === "Queued")).toEqual([expect.objectContaining({ queuePosition: 2 })]);
    await h.clock.advance(60_000);
    expect(calls(h, "tryAcquireClusterLock")).toHaveLength(2);
    await h.clock.advance(60_000);
    expect(calls(h, "tryAcquireClusterLock")).toHaveLength(2);
    await h.clock.advance(60_000 + 30_000);
    expect(calls(h, "tryAcquireClusterLock")).toHaveLength(3);
    expect(await status(h, ID)).toMatchObject({ runtimeStatus: "Completed", output: { status: "Succeeded" } });
    expect(updates(h).filter((u) => u.status === "Queued")).toHaveLength(1);
    expect(calls(h, "releaseClusterLock")).toHaveLength(1);
  });

  it("backs off on 409 OperationNotAllowed and fails the step when the conflict outlasts its retries", async () => {
    const conflict = { outcome: "conflict", error: { code: "OperationNotAllowed", message: "an in progress upgrade node image version operation" } };
    h = await startOrchestrationHost({ prepareKubernetesUpgrade: [prepared(2)], startUpgradeStep: [conflict], captureClusterHealth: [healthy(T0)] });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    // 1, 2, 4, 8, then 15-minute waits: 8 retries over ~2 hours.
    await h.clock.advance(3 * 3600_000);
    expect(calls(h, "startUpgradeStep")).toHaveLength(9);
    expect(await status(h, ID)).toMatchObject({ runtimeStatus: "Completed", output: { status: "Failed" } });
    const final = updates(h).find((u) => u.outcome);
    expect(final?.outcome).toMatchObject({ result: "Failed", failedStep: 0, error: { code: "OperationNotAllowed" } });
    expect(calls<{ kind: string }>(h, "postTeamsMessage").map((c) => c.input.kind)).toEqual(["operationFailed"]);
    expect(calls(h, "startUpgradeStep").map((c) => (c.input as { step: { index: number } }).step.index)).not.toContain(1);
    expect(calls(h, "releaseClusterLock")).toHaveLength(1);
  });

  it("polls with a doubling interval and fails a step still running after its timeout", async () => {
    h = await startOrchestrationHost({
      prepareKubernetesUpgrade: [prepared(1)], startUpgradeStep: [{ outcome: "started" }], checkUpgradeStep: [{ state: "InProgress" }], captureClusterHealth: [healthy(T0)]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    await h.clock.advance(30 * 60_000);
    // 0.5, 1.5, 3.5, 7.5, 12.5, 17.5, 22.5, 27.5 minutes: the interval doubles to its 5-minute cap.
    expect(calls(h, "checkUpgradeStep")).toHaveLength(8);
    await h.clock.advance(6 * 3600_000);
    expect(await status(h, ID)).toMatchObject({ output: { status: "Failed" } });
    expect(updates(h).find((u) => u.step?.status === "Failed")?.step?.error?.code).toBe("StepTimedOut");
  });

  it("stops at a failing health gate: no further step starts", async () => {
    const sick = { ...healthy(T0), pools: [{ pool: "system", nodesReady: 1, nodesTotal: 3 }, { pool: "user", nodesReady: 2, nodesTotal: 2 }] };
    h = await startOrchestrationHost({
      prepareKubernetesUpgrade: [prepared(3)], startUpgradeStep: [{ outcome: "alreadyDone" }, { outcome: "started" }],
      // The sample after a step is the next step's baseline: step 0 reads before and after, step 1 after only.
      checkUpgradeStep: [{ state: "Succeeded" }], captureClusterHealth: [healthy(T0), healthy(T0), sick]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    await h.clock.advance(40 * 60_000);
    expect(await status(h, ID)).toMatchObject({ output: { status: "Failed" } });
    const failed = updates(h).find((u) => u.step?.status === "Failed");
    expect(failed?.step).toMatchObject({ index: 1, error: { code: "HealthGateFailed" } });
    expect(failed?.step?.error?.message).toContain("pool system: 1/3 nodes Ready");
    expect(calls(h, "startUpgradeStep")).toHaveLength(2);
  });

  it("records a plan that cannot be made as Failed, releases the lock and changes nothing", async () => {
    h = await startOrchestrationHost({ prepareKubernetesUpgrade: [{ throw: "Refusing to downgrade the control plane from 1.36.2 to 1.35.4" }] });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    expect(await status(h, ID)).toMatchObject({ output: { status: "Failed" } });
    expect(updates(h).at(-1)).toMatchObject({ status: "Failed", outcome: { error: { code: "PlanFailed" } } });
    expect(calls(h, "startUpgradeStep")).toEqual([]);
    expect(calls(h, "releaseClusterLock")).toHaveLength(1);
  });

  it("asks once for the whole upgrade (oncePerUpgrade), retrying a throttled Teams webhook before waiting", async () => {
    h = await startOrchestrationHost({
      prepareKubernetesUpgrade: [prepared(3, "oncePerUpgrade")],
      createApprovalRequest: [{ token: "t", approveUrl: "https://p/api/approvals/t?decision=approve", rejectUrl: "https://p/api/approvals/t?decision=reject", deadline: "2026-11-02T09:00:00.000Z" }],
      postTeamsMessage: [{ delivered: false, retryAfterMs: 120_000, error: "HTTP 429" }, { delivered: false, error: "HTTP 503" }, { delivered: true }],
      startUpgradeStep: [{ outcome: "started" }], checkUpgradeStep: [{ state: "Succeeded" }], captureClusterHealth: [healthy(T0)]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    await h.clock.advance(119_000);
    expect(calls(h, "postTeamsMessage")).toHaveLength(1);
    await h.clock.advance(2_000 + 20_000);
    expect(calls(h, "postTeamsMessage")).toHaveLength(3);
    expect(calls(h, "startUpgradeStep")).toEqual([]);
    await raise(h, `${ID}:approval:0`, "approvalDecision", { decision: "approve", approver: "alice", at: T0 });
    // Pool steps end on AKS's events; without one (scripted activities) the 15-minute safety-net poll finds them done.
    await h.clock.advance(60 * 60_000);
    expect(await status(h, ID)).toMatchObject({ output: { status: "Succeeded" } });
    expect(calls(h, "createApprovalRequest")).toHaveLength(1);
    expect(calls<{ scope: string }>(h, "createApprovalRequest")[0]?.input.scope).toBe("operation");
    expect(calls(h, "startUpgradeStep")).toHaveLength(3);
  });

  it("escalates once to the second channel when nobody decides, then expires", async () => {
    h = await startOrchestrationHost({
      prepareKubernetesUpgrade: [prepared(1, "everyStep", "escalate")],
      createApprovalRequest: [{ token: "t", approveUrl: "a", rejectUrl: "r", deadline: "x" }]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    await h.clock.advance(61 * 60_000);
    expect(calls<{ kind: string; channel: string }>(h, "postTeamsMessage").map((c) => [c.input.kind, c.input.channel])).toEqual([["approvalRequest", "default"], ["approvalEscalation", "escalation"]]);
    await h.clock.advance(60 * 60_000);
    const final = await status(h, ID);
    expect(final).toMatchObject({ output: { status: "Expired" } });
    expect((final.output as { message: string }).message).toContain("after escalation");
    expect(calls(h, "startUpgradeStep")).toEqual([]);
  });
});
