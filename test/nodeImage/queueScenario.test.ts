/**
 * The node-image upgrade queues behind a platform operation holding the cluster (the shared lock),
 * then works in what is left of its window; pools the Kubernetes upgrade already moved to the
 * latest image are recorded as compliant.
 */
import { operation, sim, type Harness } from "../platform/support";
import { FIRST_TRIGGER, nodeImageOperations, poolImages, publishNodeImage, startNodeImagePlatform } from "./support";

jest.setTimeout(120_000);

describe("aks-dev busy with a Kubernetes upgrade when its window opens", () => {
  let h: Harness;
  beforeAll(async () => { h = await startNodeImagePlatform(); });
  afterAll(async () => { await h.stop(); });

  it("queues behind it, then records the pools the upgrade already reimaged as compliant", async () => {
    const latest = await publishNodeImage(h);
    await h.clock.advanceTo(FIRST_TRIGGER);
    // A release at 01:58: aks-dev (no approval in dev) starts its Kubernetes upgrade just before the 02:00 window.
    await h.clock.advanceTo("2026-01-05T01:58:00Z");
    expect((await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" })).status).toBe(201);
    await h.clock.advanceTo("2026-01-05T02:20:00Z");
    const [queued] = await nodeImageOperations(h, "aks-dev");
    expect(queued?.status).toBe("Queued");
    expect(queued?.queuePosition).toBe(1);

    await h.clock.advanceTo("2026-01-05T06:30:00Z");
    const k8s = await operation(h, "k8s-upgrade:aks-dev:1.36.3");
    expect(k8s.status).toBe("Succeeded");
    const [op] = await nodeImageOperations(h, "aks-dev");
    expect(op?.status).toBe("Succeeded");
    expect(op?.nodeImage.result).toBe("current");
    expect(op?.nodeImage.pools.map((p) => [p.pool, p.result, p.before, p.reason])).toEqual([
      ["system", "current", latest, "already on the latest node image (compliant)"],
      ["user", "current", latest, "already on the latest node image (compliant)"]
    ]);
    // It read the pools only after the Kubernetes upgrade released the cluster, inside the window.
    expect(Date.parse(op!.timings.startedAt!)).toBeGreaterThanOrEqual(Date.parse(k8s.timings.endedAt!));
    expect(Date.parse(op!.timings.endedAt!)).toBeLessThan(Date.parse("2026-01-05T06:00:00Z"));
    expect(await poolImages(h, "aks-dev")).toEqual({ system: latest, user: latest });
  });
});
