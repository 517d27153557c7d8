/**
 * The upgrade's poll intervals come from the app settings as data on the prepared plan
 * (`PreparedUpgrade.polling`); without them (histories recorded before they existed) the
 * orchestrator keeps runArmStep's defaults.
 */
import { calls, healthy, prepared, start, startOrchestrationHost, status, upgradeInput, type OrchestrationHarness } from "./support";

const ID = "k8s-upgrade:c1:1.36.2";
const T0 = "2026-11-02T08:00:00.000Z";

describe("kubernetesUpgrade poll intervals", () => {
  let h: OrchestrationHarness | undefined;
  afterEach(async () => { await h?.stop(); h = undefined; });

  const checksAfter = async (x: OrchestrationHarness, ms: number): Promise<number> => {
    await x.clock.advance(ms);
    return calls(x, "checkUpgradeStep").length;
  };

  it("polls at the prepared intervals: first after 2 s, doubling to the 8 s cap", async () => {
    h = await startOrchestrationHost({
      prepareKubernetesUpgrade: [{ ...prepared(1), polling: { firstIntervalMs: 2000, maxIntervalMs: 8000 } }],
      startUpgradeStep: [{ outcome: "started", armOperationId: "/operations/1" }],
      checkUpgradeStep: [{ state: "InProgress" }, { state: "InProgress" }, { state: "InProgress" }, { state: "InProgress" }, { state: "Succeeded" }],
      captureClusterHealth: [healthy(T0)]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    // Polls at 2, 6, 14, 22 and 30 seconds after the start.
    expect(await checksAfter(h, 1_999)).toBe(0);
    expect(await checksAfter(h, 1)).toBe(1);
    expect(await checksAfter(h, 4_000)).toBe(2);
    expect(await checksAfter(h, 8_000)).toBe(3);
    expect(await checksAfter(h, 7_999)).toBe(3);
    expect(await checksAfter(h, 1)).toBe(4);
    expect(await checksAfter(h, 8_000)).toBe(5);
    expect(await status(h, ID)).toMatchObject({ runtimeStatus: "Completed", output: { status: "Succeeded" } });
    const stepDone = calls<{ step?: { status: string; polls?: number } }>(h, "updateOperation").find((c) => c.input.step?.status === "Succeeded");
    expect(stepDone?.input.step?.polls).toBe(5);
  });

  it("keeps the defaults (30 s first poll) when the plan carries no polling", async () => {
    h = await startOrchestrationHost({
      prepareKubernetesUpgrade: [prepared(1)],
      startUpgradeStep: [{ outcome: "started", armOperationId: "/operations/1" }],
      checkUpgradeStep: [{ state: "Succeeded" }],
      captureClusterHealth: [healthy(T0)]
    });
    await start(h, "kubernetesUpgrade", ID, upgradeInput);
    expect(await checksAfter(h, 29_999)).toBe(0);
    expect(await checksAfter(h, 1)).toBe(1);
  });
});
