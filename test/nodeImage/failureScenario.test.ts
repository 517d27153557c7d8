/** Issue 5 acceptance: an injected failure in dev stops the rollout before staging. */
import { sim, teamsMessages, cardText, type Harness } from "../platform/support";
import { FIRST_TRIGGER, FIRST_WEEK, nodeImageOperations, poolImages, publishNodeImage, rolloutRecord, startNodeImagePlatform } from "./support";

jest.setTimeout(120_000);

describe("a failure in the dev ring", () => {
  let h: Harness;
  beforeAll(async () => { h = await startNodeImagePlatform(); });
  afterAll(async () => { await h.stop(); });

  it("stops the rollout before staging, says so in Teams, and leaves staging and prod untouched", async () => {
    const before = { staging: await poolImages(h, "aks-staging"), prod: await poolImages(h, "aks-prod") };
    const latest = await publishNodeImage(h);
    const fault = await sim(h, "POST", "/_sim/faults", {
      kind: "upgradeFailure", count: 1, target: `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev`
    });
    expect(fault.status).toBe(201);

    await h.clock.advanceTo(FIRST_TRIGGER);
    await h.clock.advanceTo("2026-01-10T12:00:00Z");

    const [dev] = await nodeImageOperations(h, "aks-dev");
    expect(dev?.status).toBe("Failed");
    expect(dev?.nodeImage.pools.map((p) => [p.pool, p.result])).toEqual([["system", "failed"], ["user", "skipped"]]);
    // The operation's own error (read from its Azure-AsyncOperation status), not the pool's bare state.
    expect(dev?.steps[0]?.error?.code).toBe("UpgradeFailed");
    expect(dev?.outcome?.message).toContain("Pool system failed");
    expect((await poolImages(h, "aks-dev")).user).not.toBe(latest);

    const rollout = await rolloutRecord(h, FIRST_WEEK);
    expect(rollout?.status).toBe("Failed");
    expect(rollout?.outcome?.message).toContain("Stopped at ring 0 (dev)");
    expect(rollout?.rollout.rings.map((r) => [r.ring, r.status])).toEqual([[0, "Stopped"], [1, "Stopped"], [2, "Stopped"]]);
    expect(rollout?.rollout.rings[0]).toMatchObject({ failed: 1, failureBudget: 0, overBudget: true });

    // Staging and prod were never started: no operation, no approval card, images unchanged.
    expect(await nodeImageOperations(h, "aks-staging")).toEqual([]);
    expect(await nodeImageOperations(h, "aks-prod")).toEqual([]);
    expect(await poolImages(h, "aks-staging")).toEqual(before.staging);
    expect(await poolImages(h, "aks-prod")).toEqual(before.prod);

    const texts = (await teamsMessages(h, "ops")).map(cardText);
    expect(texts.filter((t) => t.includes("Approval needed"))).toEqual([]);
    const ringCard = texts.find((t) => t.includes("Node image rollout stopped at ring 0 (dev)"));
    expect(ringCard).toContain("staging is held");
    expect(texts.some((t) => t.includes(`Node image rollout ${FIRST_WEEK} stopped at ring 0 (dev)`))).toBe(true);
  });
});
