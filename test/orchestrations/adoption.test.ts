/** The real adoption orchestrator against scripted activities: auto-upgrade off as a polled ARM change, the Event Grid subscription, then the conformance report. */
import type { OperationUpdate } from "../../orchestrations/engine/contracts";
import { calls, start, startOrchestrationHost, status, type OrchestrationHarness } from "./support";

const input = { operationId: "adopt:c1", clusterId: "c1", resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1", location: "westeurope" };

describe("adoption orchestration", () => {
  let h: OrchestrationHarness | undefined;
  afterEach(async () => { await h?.stop(); h = undefined; });

  it("waits out a conflict, polls the auto-upgrade change, then subscribes the platform", async () => {
    h = await startOrchestrationHost({
      startAutoUpgradeDisable: [{ outcome: "conflict", error: { code: "OperationNotAllowed", message: "busy" } }, { outcome: "started", armOperationId: "/op/1" }],
      checkAutoUpgradeDisable: [{ state: "InProgress" }, { state: "Succeeded" }],
      ensureEventSubscription: [{ topic: "c1-events", subscription: "aksops", changed: true }]
    });
    await start(h, "adoption", "adopt:c1", input);
    expect(calls(h, "ensureEventSubscription")).toEqual([]);
    await h.clock.advance(60_000 + 30_000 + 60_000);
    expect(await status(h, "adopt:c1")).toMatchObject({ runtimeStatus: "Completed", output: { status: "Succeeded" } });
    expect(calls(h, "checkAutoUpgradeDisable").map((c) => (c.input as { armOperationId?: string }).armOperationId)).toEqual(["/op/1", "/op/1"]);
    const steps = calls<OperationUpdate>(h, "updateOperation").map((c) => c.input.step).filter((s) => s !== undefined).map((s) => [s.index, s.status]);
    expect(steps).toEqual([[0, "Running"], [0, "Succeeded"], [1, "Running"], [1, "Succeeded"], [2, "Running"], [2, "Succeeded"]]);
    expect(calls(h, "evaluateConformance").map((c) => c.input)).toEqual([expect.objectContaining({ clusterId: "c1", resourceId: input.resourceId, step: { index: 2 } })]);
    expect(calls(h, "releaseClusterLock")).toHaveLength(1);
  });

  it("records a failed subscription as the operation's failure and releases the lock", async () => {
    h = await startOrchestrationHost({
      startAutoUpgradeDisable: [{ outcome: "alreadyDone" }],
      ensureEventSubscription: [{ throw: "the endpoint did not answer the validation handshake" }]
    });
    await start(h, "adoption", "adopt:c1", input);
    expect(await status(h, "adopt:c1")).toMatchObject({ output: { status: "Failed" } });
    const final = calls<OperationUpdate>(h, "updateOperation").map((c) => c.input).find((u) => u.outcome);
    expect(final?.outcome).toMatchObject({ result: "Failed", failedStep: 1, error: { code: "EventSubscriptionFailed" } });
    expect(final?.outcome?.error?.message).toContain("validation handshake");
    expect(calls(h, "releaseClusterLock")).toHaveLength(1);
  });

  it("records a conformance evaluation that cannot read the cluster as the adoption's failure at its last step", async () => {
    h = await startOrchestrationHost({
      startAutoUpgradeDisable: [{ outcome: "alreadyDone" }],
      evaluateConformance: [{ throw: "Reading the cluster for conformance on cluster c1 failed (HTTP 403): AuthorizationFailed: no read" }]
    });
    await start(h, "adoption", "adopt:c1", input);
    expect(await status(h, "adopt:c1")).toMatchObject({ output: { status: "Failed" } });
    const final = calls<OperationUpdate>(h, "updateOperation").map((c) => c.input).find((u) => u.outcome);
    expect(final?.outcome).toMatchObject({ result: "Failed", failedStep: 2 });
    expect(final?.outcome?.message).toContain("Evaluating baseline conformance failed");
    expect(calls(h, "releaseClusterLock")).toHaveLength(1);
  });
});
