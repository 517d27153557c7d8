/**
 * At-least-once activities (the durable engine's chaos switches: every activity re-run after it
 * succeeded, and every first completion lost as if the host crashed before its checkpoint): the
 * dev ring still starts exactly one node-image upgrade per pool and records each pool once.
 */
import { VirtualClock } from "../../local/clock";
import { createDurableExtension } from "../../local/host/durable";
import { armStats, count, startHarness, type Harness } from "../platform/support";
import { SUNDAY, FIRST_TRIGGER, NODE_IMAGE_SCENARIO_SETTINGS, nodeImageOperations, poolImages, publishNodeImage } from "./support";

jest.setTimeout(120_000);

describe.each([
  ["re-run after success", { rerunActivityAfterSuccess: true }],
  ["crash before checkpoint", { crashBeforeActivityCheckpoint: true }]
])("node-image upgrade of aks-dev with activities delivered at least once (%s)", (_name, chaos) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clock: new VirtualClock(SUNDAY), settings: { ...NODE_IMAGE_SCENARIO_SETTINGS }, hostOptions: { extensions: [createDurableExtension({ chaos })] } });
    await h.clock.advance(30 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("starts one upgrade per pool and records the operation once", async () => {
    const latest = await publishNodeImage(h);
    const before = await armStats(h);
    await h.clock.advanceTo(FIRST_TRIGGER);
    await h.clock.advanceTo("2026-01-05T08:00:00Z");

    expect(await poolImages(h, "aks-dev")).toEqual({ system: latest, user: latest });
    const after = await armStats(h);
    const accepted = count(after, "AgentPools_UpgradeNodeImageVersion", "202") - count(before, "AgentPools_UpgradeNodeImageVersion", "202");
    expect(accepted).toBe(2);
    const ops = await nodeImageOperations(h, "aks-dev");
    expect(ops).toHaveLength(1);
    expect(ops[0]?.status).toBe("Succeeded");
    expect(ops[0]?.steps.map((s) => [s.pool, s.status])).toEqual([["system", "Succeeded"], ["user", "Succeeded"]]);
    expect(ops[0]?.nodeImage.pools.map((p) => p.result)).toEqual(["upgraded", "upgraded"]);
  });
});
