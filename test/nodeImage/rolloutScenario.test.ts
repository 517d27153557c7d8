/**
 * Issue 5 acceptance on the local platform (host + simulator + embedded Cosmos, virtual clock):
 * after `POST /_sim/node-images` and a week, every pool of the three demo clusters runs the new
 * image, each upgraded inside its own window, dev before staging before prod; a second trigger in
 * the same week starts nothing.
 */
import { api, armStats, count, teamsMessages, type Harness } from "../platform/support";
import {
  DEMO_CLUSTERS, FIRST_TRIGGER, FIRST_WEEK, advanceApproving, instancesWithPrefix, nodeImageOperations, poolImages, publishNodeImage,
  rolloutRecord, rolloutTexts, startNodeImagePlatform, weeklyRollouts
} from "./support";

jest.setTimeout(120_000);

describe("the weekly node-image rollout over the demo fleet", () => {
  let h: Harness;
  beforeAll(async () => { h = await startNodeImagePlatform(); });
  afterAll(async () => { await h.stop(); });

  it("upgrades dev, then staging (approved once), then prod (approved per pool), each inside its own window", async () => {
    const latest = await publishNodeImage(h);
    for (const cluster of DEMO_CLUSTERS) expect(Object.values(await poolImages(h, cluster)).every((v) => v !== latest)).toBe(true);
    const statsBefore = await armStats(h);

    await h.clock.advanceTo(FIRST_TRIGGER);
    expect(weeklyRollouts(h)).toEqual([{ instanceId: `node-image-rollout:${FIRST_WEEK}`, runtimeStatus: "Running" }]);
    // Staging asks once per upgrade, prod before every pool (environment defaults).
    const approvals = await advanceApproving(h, "2026-01-10T12:00:00Z", ["aks-staging", "aks-prod"]);
    expect(approvals).toBe(3);

    for (const cluster of DEMO_CLUSTERS) expect(await poolImages(h, cluster)).toEqual({ system: latest, user: latest });
    const spans: Record<string, { firstStart: number; lastEnd: number; window: { start: number; end: number } }> = {};
    for (const cluster of DEMO_CLUSTERS) {
      const [op, ...others] = await nodeImageOperations(h, cluster);
      expect(others).toEqual([]);
      expect(op?.status).toBe("Succeeded");
      expect(op?.trigger).toEqual({ type: "timer", by: "nodeImageRollout" });
      expect(op?.nodeImage.pools.map((p) => [p.pool, p.result, p.after !== p.before, p.after])).toEqual([["system", "upgraded", true, latest], ["user", "upgraded", true, latest]]);
      expect(op?.nodeImage.window?.source).toBe("cluster");
      const window = { start: Date.parse(op!.nodeImage.window!.start), end: Date.parse(op!.nodeImage.window!.end) };
      expect(op!.steps.map((s) => [s.pool, s.status, s.kind])).toEqual([["system", "Succeeded", "nodeImage"], ["user", "Succeeded", "nodeImage"]]);
      const firstStart = Math.min(...op!.steps.map((s) => Date.parse(s.startedAt!)));
      const lastEnd = Math.max(...op!.steps.map((s) => Date.parse(s.endedAt!)));
      expect(firstStart).toBeGreaterThanOrEqual(window.start);
      expect(lastEnd).toBeLessThan(window.end);
      spans[cluster] = { firstStart, lastEnd, window };
    }
    expect(new Date(spans["aks-dev"]!.window.start).toISOString()).toBe("2026-01-05T02:00:00.000Z");
    expect(new Date(spans["aks-staging"]!.window.start).toISOString()).toBe("2026-01-06T02:00:00.000Z");
    expect(new Date(spans["aks-prod"]!.window.start).toISOString()).toBe("2026-01-08T02:00:00.000Z");
    expect(spans["aks-dev"]!.lastEnd).toBeLessThan(spans["aks-staging"]!.firstStart);
    expect(spans["aks-staging"]!.lastEnd).toBeLessThan(spans["aks-prod"]!.firstStart);
    const [prodOp] = await nodeImageOperations(h, "aks-prod");
    expect(prodOp?.approvals.filter((a) => a.decision === "approve").map((a) => a.approver)).toEqual(["olivia", "olivia"]);

    const rollout = await rolloutRecord(h, FIRST_WEEK);
    expect(rollout?.clusterId).toBe("fleet");
    expect(rollout?.status).toBe("Succeeded");
    expect(rollout?.rollout.rings.map((r) => [r.ring, r.status, r.upgraded, r.failed])).toEqual([[0, "Completed", 1, 0], [1, "Completed", 1, 0], [2, "Completed", 1, 0]]);
    const texts = await rolloutTexts(h);
    expect(texts.filter((t) => t.includes("Node image ring")).map((t) => /ring \d \((\w+)\)/.exec(t)?.[1])).toEqual(["dev", "staging", "prod"]);
    expect(texts.some((t) => t.includes(`Node image rollout ${FIRST_WEEK} completed`))).toBe(true);

    // ARM cost: one upgradeNodeImageVersion per pool, nothing throttled.
    const stats = await armStats(h);
    const started = count(stats, "AgentPools_UpgradeNodeImageVersion") - count(statsBefore, "AgentPools_UpgradeNodeImageVersion");
    expect(started).toBe(6);
    expect(Object.values(stats).reduce((n, byStatus) => n + (byStatus["429"] ?? 0), 0)).toBe(0);
  });

  it("a second trigger in the same week starts nothing", async () => {
    const timer = h.platform.host.functions.get("nodeImageRolloutTimer");
    if (!timer) throw new Error("nodeImageRolloutTimer is not registered");
    const messagesBefore = (await teamsMessages(h, "ops")).length;
    // The timer again, for an occurrence inside the same ISO week (as after a restart or a manual run).
    const info = { Schedule: { AdjustForDST: false }, ScheduleStatus: { Last: FIRST_TRIGGER, Next: "2026-01-10T09:00:00.000Z", LastUpdated: FIRST_TRIGGER }, IsPastDue: true };
    await h.platform.host.invoke("nodeImageRolloutTimer", { inputData: [{ name: timer.triggerName, data: { json: JSON.stringify(info) } }] });
    await h.clock.advance(12 * 3600_000);
    expect(weeklyRollouts(h)).toEqual([{ instanceId: `node-image-rollout:${FIRST_WEEK}`, runtimeStatus: "Completed" }]);
    const clusterInstances = instancesWithPrefix(h, `node-image:${FIRST_WEEK}:`).filter((i) => !i.instanceId.includes(":approval:") && !i.instanceId.includes(":step:"));
    expect(clusterInstances.map((i) => i.instanceId).sort()).toEqual(DEMO_CLUSTERS.map((c) => `node-image:${FIRST_WEEK}:${c}`).sort());
    for (const cluster of DEMO_CLUSTERS) expect((await nodeImageOperations(h, cluster)).length).toBe(1);
    expect((await teamsMessages(h, "ops")).length).toBe(messagesBefore);
  });

  it("POST /api/clusters/{id}/upgrades {kind: nodeImage} upgrades one cluster at once, outside its window, as the operator's call", async () => {
    const newer = await publishNodeImage(h);
    const at = new Date(h.clock.now());
    expect([at.getUTCDay(), at.getUTCHours()]).toEqual([0, 0]); // Sunday midnight: no window open
    const res = await api<{ operationId: string; kind: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "nodeImage" }, { "x-ms-client-principal-name": "oscar@contoso.com" });
    expect(res.status).toBe(202);
    expect(res.body.kind).toBe("nodeImage");
    await h.clock.advance(60 * 60_000);
    expect(await poolImages(h, "aks-dev")).toEqual({ system: newer, user: newer });
    const op = (await nodeImageOperations(h, "aks-dev")).find((o) => o.id === res.body.operationId);
    expect(op?.status).toBe("Succeeded");
    expect(op?.trigger).toEqual({ type: "http", by: "oscar@contoso.com" });
    expect(op?.nodeImage.mode).toBe("manual");
    expect(op?.nodeImage.window).toBeUndefined();
    expect(op?.nodeImage.pools.map((p) => p.result)).toEqual(["upgraded", "upgraded"]);
    // Nothing else moved: staging still on last week's image.
    expect(Object.values(await poolImages(h, "aks-staging")).every((v) => v !== newer)).toBe(true);
  });
});
