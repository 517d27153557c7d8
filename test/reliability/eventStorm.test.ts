/**
 * Issue 24 item 9: an event storm. 200 resource events (diagnostic settings and budgets written in
 * the demo clusters' resource groups) in 10 parallel batches of 20 reach the Event Grid webhook.
 * Reviews of one cluster's subject arriving within the review window are coalesced into one ARM
 * read (a debounce on a durable timer per cluster and subject), so the storm costs a handful of ARM
 * reads, none throttled, and every batch is acknowledged. The simulator counts ARM requests.
 */
import type { RequestRecord } from "../../local/azure/kernel/stats";
import type { Store } from "../../shared/store";
import { advance, clusterResourceId, deliverEvents, platformStore, startHarness, type Harness } from "../platform/support";

describe("an event storm is coalesced (issue 24 item 9)", () => {
  let h: Harness;
  let store: Store;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
    store = platformStore(h);
  });
  afterAll(async () => { await h.stop(); });

  it("200 resource events in 10 parallel batches: every batch 202, at most one review round per cluster and subject, no ARM read throttled", async () => {
    const clusters = ["aks-dev", "aks-staging", "aks-prod"];
    const subjects = clusters.flatMap((c) => {
      const rg = clusterResourceId(h, c).replace(/\/providers\/.*$/, "");
      return [
        { topic: rg, subject: `${clusterResourceId(h, c)}/providers/Microsoft.Insights/diagnosticSettings/someone-elses` },
        { topic: rg, subject: `${rg}/providers/Microsoft.Consumption/budgets/team-budget` }
      ];
    });
    const events = Array.from({ length: 200 }, (_, i) => {
      const s = subjects[i % subjects.length]!;
      return {
        id: `storm-${i}`, topic: s.topic, subject: s.subject, eventType: "Microsoft.Resources.ResourceWriteSuccess",
        eventTime: new Date(h.clock.now()).toISOString(), dataVersion: "", data: { resourceUri: s.subject, operationName: "write", status: "Succeeded" }
      };
    });
    // First one event per subject, and time for what it starts (the platform's own setting and
    // budget put on each cluster, and the reviews their write events request): governance settled.
    const warmUp = subjects.map((s, i) => ({ ...events[i]!, id: `warm-up-${i}`, topic: s.topic, subject: s.subject }));
    expect((await deliverEvents(h, warmUp)).status).toBe(202);
    await advance(h, 10 * 60_000);

    const seen: RequestRecord[] = [];
    const onResponse = (r: RequestRecord): void => { seen.push(r); };
    h.platform.azure.kernel.stats.on("response", onResponse);
    try {
      const batches = Array.from({ length: 10 }, (_, b) => events.slice(b * 20, b * 20 + 20));
      const statuses = await Promise.all(batches.map((batch) => deliverEvents(h, batch).then((r) => r.status)));
      expect(statuses).toEqual(Array.from({ length: 10 }, () => 202));
      // The review window closes; the coalesced reviews run.
      await advance(h, 3 * 60_000);
    } finally {
      h.platform.azure.kernel.stats.off("response", onResponse);
    }
    const reads = seen.filter((r) => r.method === "GET");
    const byOperation: Record<string, number> = {};
    for (const r of reads) byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
    console.log(`ARM requests for a 200-event storm: ${seen.length} (${reads.length} reads: ${JSON.stringify(byOperation)}; ${seen.filter((r) => r.status === 429).length} throttled)`);
    expect(seen.filter((r) => r.status === 429)).toEqual([]);
    // One review per cluster and subject: diagnostics reads the cluster, lists its resource group (the
    // baseline's other resources governed beside it: registry, Key Vault, firewall, gateway) and lists
    // the cluster's settings (3), the budget is one read.
    expect(byOperation).toEqual({ ManagedClusters_Get: 3, Resources_ListByResourceGroup: 3, DiagnosticSettings_List: 3, Budgets_Get: 3 });
    // Governance was settled: nothing to write.
    expect(seen.filter((r) => r.method !== "GET")).toEqual([]);
    for (const e of events) {
      const recorded = (await store.events.get(e.id))?.doc;
      expect([e.id, recorded?.disposition]).toEqual([e.id, expect.stringMatching(/^review(Scheduled|Coalesced|Requested)/)]);
    }
  }, 120_000);
});
