/**
 * Scenario 9 of issue 4: the host goes down mid-upgrade (while a pool upgrade it just started rolls
 * in ARM) and comes back on the same data dir; the restarted engine also loses the first completion
 * of every activity (as if it crashed before each checkpoint), so every activity runs twice. The
 * operation completes once and ARM shows exactly one upgrade per step.
 */
import { createDurableExtension } from "../../local/host/durable";
import type { RequestRecord } from "../../local/azure/kernel/stats";
import { advance, armStats, count, operation, operationWith, sim, startHarness, waitFor, type Harness } from "../platform/support";

describe("host restart mid-upgrade (scenario 9)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("completes the upgrade once after a restart, one ARM upgrade per step", async () => {
    const before = await armStats(h);
    let stopping: Promise<void> | undefined;
    const onResponse = (r: RequestRecord): void => {
      // The moment the platform starts the system pool's upgrade, its host goes down.
      if (!stopping && r.operation === "AgentPools_CreateOrUpdate" && r.status === 200 && r.path.toLowerCase().includes("/managedclusters/aks-dev/")) {
        stopping = h.platform.host.stop();
      }
    };
    h.platform.azure.kernel.stats.on("response", onResponse);
    try {
      await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" });
      await waitFor(h, "the first pool upgrade to start", async () => (stopping ? true : undefined));
      await stopping;
    } finally {
      h.platform.azure.kernel.stats.off("response", onResponse);
    }
    // Azure carries on without the platform: the pool keeps rolling.
    await advance(h, 5 * 60_000);
    expect((await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "system")).provisioningState).toBe("Upgrading");

    await h.platform.restartHost({ extensions: [createDurableExtension({ chaos: { crashBeforeActivityCheckpoint: true } })], logger: h.logger.log });
    const id = "k8s-upgrade:aks-dev:1.36.3";
    const op = await operationWith(h, id, (o) => o.status === "Succeeded" || o.status === "Failed", "the upgrade to finish after the restart");
    expect(op.status).toBe("Succeeded");
    expect(op.steps.map((s) => [s.name, s.status])).toEqual([
      ["control plane 1.35.4 → 1.36.3", "Succeeded"], ["pool system 1.35.4 → 1.36.3", "Succeeded"], ["pool user 1.35.4 → 1.36.3", "Succeeded"]
    ]);
    const after = await armStats(h);
    expect(count(after, "ManagedClusters_CreateOrUpdate", "200") - count(before, "ManagedClusters_CreateOrUpdate", "200")).toBe(1);
    expect(count(after, "AgentPools_CreateOrUpdate", "200") - count(before, "AgentPools_CreateOrUpdate", "200")).toBe(2);
    const cluster = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    expect([cluster.currentKubernetesVersion, ...(cluster.agentPoolProfiles ?? []).map((p) => p.currentOrchestratorVersion)]).toEqual(["1.36.3", "1.36.3", "1.36.3"]);
    expect((await operation(h, id)).approvals).toEqual([]);
    // The chaos switch really re-ran the step starts after the restart: idempotency, not luck.
    const rerun = h.logger.entries.filter((e) => /Chaos: losing the completion of activity 'startUpgradeStep'/.test(e.message));
    expect(rerun.length).toBeGreaterThanOrEqual(1);
  });
});
