/**
 * The ARM cost of one pool upgrade: every ARM request about aks-dev between the start and the end
 * of each pool step (start: GET + PUT; one check when AKS's NodePoolRollingSucceeded wakes the
 * step, a safety-net poll every 15 minutes otherwise). Health samples (three metric queries after
 * each step, the sample before being the previous step's after-sample) go to the metrics data
 * plane, not ARM: they are counted apart.
 */
import type { RequestRecord } from "../../local/azure/kernel/stats";
import { advance, operationWith, sim, startHarness, type Harness } from "../platform/support";

describe("ARM cost of a pool upgrade", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("costs at most six ARM requests per pool upgrade: events end steps, health from the metrics data plane", async () => {
    const seen: RequestRecord[] = [];
    const metrics: RequestRecord[] = [];
    const onResponse = (r: RequestRecord): void => {
      if (r.path.toLowerCase().includes("/managedclusters/aks-dev")) seen.push(r);
    };
    const onMetrics = (r: RequestRecord): void => {
      if (r.resources?.some((id) => id.toLowerCase().endsWith("/managedclusters/aks-dev"))) metrics.push(r);
    };
    h.platform.azure.kernel.stats.on("response", onResponse);
    h.platform.azure.kernel.dataPlaneStats.on("response", onMetrics);
    try {
      await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" });
      const op = await operationWith(h, "k8s-upgrade:aks-dev:1.36.3", (o) => o.status === "Succeeded", "the dev upgrade");
      const byOperation = (records: RequestRecord[]): Record<string, number> => {
        const out: Record<string, number> = {};
        for (const r of records) out[r.operation] = (out[r.operation] ?? 0) + 1;
        return out;
      };
      // Requests on a pool's own path are that step's.
      const pools = op.steps.filter((s) => s.kind === "nodePool").map((step) => {
        const own = seen.filter((r) => r.path.toLowerCase().includes(`/agentpools/${step.pool ?? ""}`));
        return { pool: step.pool, minutes: (Date.parse(step.endedAt ?? "") - Date.parse(step.startedAt ?? "")) / 60_000, polls: step.polls, ...byOperation(own), total: own.length };
      });
      // The numbers the README states.
      console.log(`ARM requests for the whole dev upgrade: ${seen.length} ${JSON.stringify(byOperation(seen))}; metrics data plane: ${metrics.length}\nper pool step: ${JSON.stringify(pools, null, 1)}`);
      // Health: one baseline sample for the whole upgrade, then one after each step, three queries each, none through ARM.
      expect(metrics.map((r) => r.status)).toEqual(Array.from({ length: 3 * (op.steps.length + 1) }, () => 200));
      expect(byOperation(seen).Metrics_List).toBeUndefined();
      for (const pool of pools) {
        expect(pool).toMatchObject({ AgentPools_CreateOrUpdate: 1, AgentPools_Get: 1 + (pool.polls ?? 0) });
        // The event woke the step: one check, no safety-net poll for a roll shorter than 15 minutes.
        expect(pool.polls).toBe(1);
        expect(pool.total).toBeLessThanOrEqual(6);
      }
    } finally {
      h.platform.azure.kernel.stats.off("response", onResponse);
      h.platform.azure.kernel.dataPlaneStats.off("response", onMetrics);
    }
  });
});
