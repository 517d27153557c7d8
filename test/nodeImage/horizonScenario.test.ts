/**
 * A cluster whose next window falls after the rollout's week does not hold its ring: it is
 * recorded as skipped (the weekly rollout of that week takes it) and the later rings go on.
 */
import type { Harness } from "../platform/support";
import { FIRST_TRIGGER, FIRST_WEEK, advanceApproving, nodeImageOperations, poolImages, publishNodeImage, rolloutRecord, startNodeImagePlatform } from "./support";

jest.setTimeout(120_000);

describe("a cluster with a monthly window", () => {
  let h: Harness;
  beforeAll(async () => { h = await startNodeImagePlatform(); });
  afterAll(async () => { await h.stop(); });

  it("is left to the rollout of its window's week, and prod is still upgraded this week", async () => {
    // The operator gives aks-staging a monthly node OS window on the 28th (through ARM, as in Azure).
    await h.aks.maintenanceConfigurations.createOrUpdate("rg-aks-staging", "aks-staging", "aksManagedNodeOSUpgradeSchedule", {
      maintenanceWindow: { schedule: { absoluteMonthly: { intervalMonths: 1, dayOfMonth: 28 } }, durationHours: 4, utcOffset: "+00:00", startTime: "02:00" }
    });
    const stagingBefore = await poolImages(h, "aks-staging");
    const latest = await publishNodeImage(h);
    await h.clock.advanceTo(FIRST_TRIGGER);
    await advanceApproving(h, "2026-01-10T12:00:00Z", ["aks-prod"]);

    const [staging] = await nodeImageOperations(h, "aks-staging");
    expect(staging?.status).toBe("Cancelled");
    expect(staging?.nodeImage.window).toEqual({ start: "2026-01-28T02:00:00.000Z", end: "2026-01-28T06:00:00.000Z", source: "cluster" });
    expect(staging?.nodeImage.skips.map((s) => s.code)).toEqual(["WindowAfterRollout"]);
    expect(staging?.nodeImage.catchUpDue).toBe(false);
    expect(await poolImages(h, "aks-staging")).toEqual(stagingBefore);

    expect(await poolImages(h, "aks-prod")).toEqual({ system: latest, user: latest });
    const rollout = await rolloutRecord(h, FIRST_WEEK);
    expect(rollout?.status).toBe("Succeeded");
    expect(rollout?.rollout.rings.map((r) => [r.ring, r.upgraded, r.skipped])).toEqual([[0, 1, 0], [1, 0, 1], [2, 1, 0]]);
    // Not a missed window: the daily check schedules no catch-up for it.
    expect((await nodeImageOperations(h, "aks-staging")).filter((o) => o.nodeImage.mode === "catchUp")).toEqual([]);
  });
});
