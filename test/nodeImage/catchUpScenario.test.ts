/**
 * Issue 5 acceptance: a cluster stopped during its window is skipped with its reason, and the daily
 * check catches it up in its next window.
 */
import type { Harness } from "../platform/support";
import { FIRST_TRIGGER, instancesWithPrefix, nodeImageOperations, poolImages, publishNodeImage, startNodeImagePlatform } from "./support";

jest.setTimeout(120_000);

describe("a cluster stopped through its window", () => {
  let h: Harness;
  // One rollout only (5 January), so the catch-up alone brings aks-dev up to date the week after.
  beforeAll(async () => { h = await startNodeImagePlatform({ NODE_IMAGE_ROLLOUT_SCHEDULE: "0 0 0 5 1 *" }); });
  afterAll(async () => { await h.stop(); });

  it("is recorded as skipped (cluster stopped) and upgraded by the catch-up in its next window", async () => {
    const latest = await publishNodeImage(h);
    const stopping = h.aks.managedClusters.stop("rg-aks-dev", "aks-dev", { updateIntervalInMs: 0 });
    await stopping.submitted();
    await h.clock.advance(10 * 60_000);
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).powerState?.code).toBe("Stopped");

    await h.clock.advanceTo(FIRST_TRIGGER);
    await h.clock.advanceTo("2026-01-05T08:00:00Z");
    const [missed] = await nodeImageOperations(h, "aks-dev");
    expect(missed?.status).toBe("Cancelled");
    expect(missed?.nodeImage.result).toBe("skipped");
    expect(missed?.nodeImage.catchUpDue).toBe(true);
    expect(missed?.nodeImage.skips.map((s) => [s.code, s.reason])).toEqual([["ClusterStopped", "cluster stopped"]]);
    expect(Date.parse(missed!.nodeImage.skips[0]!.at)).toBeGreaterThanOrEqual(Date.parse("2026-01-05T02:00:00Z"));

    // The daily check (00:30 UTC) schedules the catch-up; an operator starts the cluster on Wednesday.
    await h.clock.advanceTo("2026-01-06T01:00:00Z");
    expect(instancesWithPrefix(h, "node-image-catchup:2026-01-06").map((i) => i.instanceId)).toContain("node-image-catchup:2026-01-06");
    const catchUpMarked = (await nodeImageOperations(h, "aks-dev")).find((o) => o.id === missed!.id);
    expect(catchUpMarked?.nodeImage.catchUp?.instanceId).toBe("node-image:catchup-2026-01-06:aks-dev");
    await h.clock.advanceTo("2026-01-07T09:00:00Z");
    const starting = h.aks.managedClusters.start("rg-aks-dev", "aks-dev", { updateIntervalInMs: 0 });
    await starting.submitted();
    await h.clock.advanceTo("2026-01-08T09:00:00Z");
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).powerState?.code).toBe("Running");
    expect(Object.values(await poolImages(h, "aks-dev")).every((v) => v !== latest)).toBe(true);

    await h.clock.advanceTo("2026-01-12T08:00:00Z");
    expect(await poolImages(h, "aks-dev")).toEqual({ system: latest, user: latest });
    const catchUp = (await nodeImageOperations(h, "aks-dev")).find((o) => o.nodeImage.mode === "catchUp");
    expect(catchUp?.status).toBe("Succeeded");
    expect(catchUp?.nodeImage.catchUpOf).toBe(missed?.id);
    expect(catchUp?.nodeImage.window?.start).toBe("2026-01-12T02:00:00.000Z");
    for (const step of catchUp!.steps) {
      expect(step.status).toBe("Succeeded");
      expect(Date.parse(step.startedAt!)).toBeGreaterThanOrEqual(Date.parse("2026-01-12T02:00:00Z"));
      expect(Date.parse(step.endedAt!)).toBeLessThan(Date.parse("2026-01-12T06:00:00Z"));
    }
    // Only one catch-up, though the daily check ran six more times.
    expect((await nodeImageOperations(h, "aks-dev")).filter((o) => o.nodeImage.mode === "catchUp")).toHaveLength(1);
  });
});
