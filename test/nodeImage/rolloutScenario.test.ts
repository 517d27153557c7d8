import { DEMO_CLUSTERS, startPlatform, type PlatformHarness } from "./platformHarness";
import type { NodeImageOperationRecord, NodeImageRolloutRecord } from "../../orchestrations/nodeImageRollout/activities";

jest.setTimeout(60_000);

const SUNDAY_TRIGGER = "2026-01-04T18:00:00Z";
const WEEK_LATER = "2026-01-11T17:00:00Z";

interface TeamsMessages { value: { channel: string; payload: unknown }[] }

async function poolImages(h: PlatformHarness, cluster: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const pool of h.aks.agentPools.list(`rg-${cluster}`, cluster)) out[pool.name ?? "?"] = pool.nodeImageVersion ?? "";
  return out;
}

async function latestImage(h: PlatformHarness): Promise<string> {
  const images = await h.simJson<{ images: { osSku: string; version: string }[] }>("GET", "/_sim/node-images");
  return images.images.filter((i) => i.osSku === "Ubuntu").at(-1)!.version;
}

async function clusterOperations(h: PlatformHarness, cluster: string): Promise<NodeImageOperationRecord[]> {
  return (await h.store.operations.query({ clusterId: cluster, kind: "nodeImageRollout" })) as NodeImageOperationRecord[];
}

async function rolloutRecord(h: PlatformHarness, week: string): Promise<NodeImageRolloutRecord | undefined> {
  return (await h.store.operations.get("fleet", `nodeimage-rollout-${week}`))?.doc as NodeImageRolloutRecord | undefined;
}

function teamsTexts(messages: TeamsMessages): string[] {
  return messages.value.map((m) => JSON.stringify(m.payload));
}

describe("weekly node-image rollout over the demo fleet (host + simulator + embedded Cosmos, virtual clock)", () => {
  let h: PlatformHarness;
  afterEach(async () => { await h.close(); });

  it("upgrades every pool of dev, then staging, then prod, each inside its own maintenance window", async () => {
    h = await startPlatform({ policies: { "aks-staging": { approval: "none" }, "aks-prod": { approval: "none" } } });
    const before = await poolImages(h, "aks-dev");
    await h.simJson("POST", "/_sim/node-images", {});
    const latest = await latestImage(h);
    expect(Object.values(before).every((v) => v !== latest)).toBe(true);

    await h.clock.advanceTo(SUNDAY_TRIGGER);
    await h.clock.advanceTo(WEEK_LATER);

    for (const cluster of DEMO_CLUSTERS) {
      const images = await poolImages(h, cluster);
      expect(Object.keys(images).sort()).toEqual(["system", "user"]);
      expect(Object.values(images)).toEqual([latest, latest]);
    }
    const windows: Record<string, { start: number; end: number; firstStart: number; lastEnd: number }> = {};
    for (const cluster of DEMO_CLUSTERS) {
      const [op] = await clusterOperations(h, cluster);
      expect(op?.status).toBe("Succeeded");
      expect(op?.nodeImage.pools.map((p) => [p.pool, p.result, p.after])).toEqual([["system", "upgraded", latest], ["user", "upgraded", latest]]);
      expect(op?.nodeImage.window?.source).toBe("cluster");
      const steps = op!.steps;
      expect(steps.map((s) => s.status)).toEqual(["Succeeded", "Succeeded"]);
      const window = { start: Date.parse(op!.nodeImage.window!.start), end: Date.parse(op!.nodeImage.window!.end) };
      const firstStart = Math.min(...steps.map((s) => Date.parse(s.startedAt!)));
      const lastEnd = Math.max(...steps.map((s) => Date.parse(s.endedAt!)));
      expect(firstStart).toBeGreaterThanOrEqual(window.start);
      expect(lastEnd).toBeLessThan(window.end);
      windows[cluster] = { ...window, firstStart, lastEnd };
    }
    // Demo windows: dev Monday, staging Tuesday, prod Thursday (02:00 UTC, 4 hours).
    expect(new Date(windows["aks-dev"]!.start).toISOString()).toBe("2026-01-05T02:00:00.000Z");
    expect(windows["aks-dev"]!.lastEnd).toBeLessThan(windows["aks-staging"]!.firstStart);
    expect(windows["aks-staging"]!.lastEnd).toBeLessThan(windows["aks-prod"]!.firstStart);

    const rollout = await rolloutRecord(h, "2026-W01");
    expect(rollout?.status).toBe("Succeeded");
    expect(rollout?.rollout.rings.map((r) => [r.ring, r.status, r.upgraded, r.failed])).toEqual([[0, "Completed", 1, 0], [1, "Completed", 1, 0], [2, "Completed", 1, 0]]);
    const texts = teamsTexts(await h.simJson<TeamsMessages>("GET", "/_sim/teams/messages"));
    expect(texts.filter((t) => t.includes("Node image ring")).length).toBe(3);
    expect(texts.some((t) => t.includes("Node image rollout 2026-W01 completed"))).toBe(true);
  });
});
