/**
 * Issue 24 items 4, 5 and 12 (second part) through the public contracts of the whole local
 * platform (host, simulator, embedded Cosmos on a virtual clock): the Event Grid webhook, the
 * cluster API and `/_sim/*`. Each `it` names the item it covers.
 */
import type { OperationRecord, Store } from "../../shared/store";
import { operationRecord } from "../shared/store/records";
import { advance, aksEvent, api, cardText, deliverEvents, platformStore, sim, startHarness, teamsMessages, type Harness } from "../platform/support";

describe("poison events and duplicate deliveries (issue 24)", () => {
  let h: Harness;
  let store: Store;
  const deliver = (body: unknown): Promise<Response> => deliverEvents(h, body);
  const event = (id: string, cluster: string, eventType: string, data: unknown): Record<string, unknown> => aksEvent(h, id, cluster, eventType, data);

  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
    store = platformStore(h);
  });
  afterAll(async () => { await h.stop(); });

  it("4: ids ending in a space or dots, whitespace and dot-segment ids are recorded, deduplicated and routed, never a 500", async () => {
    const ids = ["evt-space ", "evt-dot.", "evt-dots..", ".", "..", " ", "\t", "\n", "evt\nline", "evt . . ", "evt\u00A0"];
    for (const id of ids) {
      const e = event(id, "aks-staging", "NodePoolRollingStarted", { nodePoolName: "user" });
      expect([JSON.stringify(id), (await deliver([e])).status]).toEqual([JSON.stringify(id), 202]);
      expect([JSON.stringify(id), (await deliver([e])).status]).toEqual([JSON.stringify(id), 202]);
      expect((await store.events.get(id))?.doc).toMatchObject({ id, disposition: "outOfBand" });
    }
    // Two ids that differ only in a trailing dot or space stay two records.
    expect((await store.events.get("evt-dot"))).toBeUndefined();
    expect((await store.events.get("evt-space"))).toBeUndefined();
  });

  it("4: data nested 5,000 deep or over the size bound is recorded `invalid` and the rest of its batch is routed", async () => {
    const deep = `${'{"d":'.repeat(5000)}"bottom"${"}".repeat(5000)}`;
    const deepBody = `[${JSON.stringify(event("deep-1", "aks-staging", "NodePoolRollingStarted", null)).replace('"data":null', `"data":${deep}`)},${JSON.stringify(event("beside-deep", "aks-staging", "NodePoolRollingStarted", { nodePoolName: "user" }))}]`;
    expect((await deliver(deepBody)).status).toBe(202);
    const recorded = (await store.events.get("deep-1"))?.doc;
    expect(recorded).toMatchObject({ id: "deep-1", disposition: "invalid" });
    expect(recorded?.detail).toContain("nested deeper than");
    expect((await store.events.get("beside-deep"))?.doc.disposition).toBe("outOfBand");
    const wide = event("wide-1", "aks-staging", "NodePoolRollingStarted", { nodePoolName: "user", pad: Array.from({ length: 4000 }, (_, i) => `item-${i}-${"y".repeat(60)}`) });
    expect((await deliver([wide])).status).toBe(202);
    expect((await store.events.get("wide-1"))?.doc).toMatchObject({ disposition: "invalid" });
    expect((await api(h, "GET", "/health")).status).toBe(200);
  });

  it("4: whitespace-only cluster ids are 404 on the cluster, conformance and upgrade routes, never a 500", async () => {
    for (const id of ["%20", "%09", "%0A", "%20%20", "%0D%0A", ".%20", "aks-dev%20", "aks-dev.", "%C2%A0"]) {
      expect([id, (await api(h, "GET", `/clusters/${id}`)).status]).toEqual([id, 404]);
      expect([id, (await api(h, "GET", `/clusters/${id}/conformance`)).status]).toEqual([id, 404]);
      const up = await api(h, "POST", `/clusters/${id}/upgrades`, { kind: "kubernetes", targetVersion: "1.36.3" });
      expect([id, up.status]).toEqual([id, 404]);
      const image = await api(h, "POST", `/clusters/${id}/upgrades`, { kind: "nodeImage" });
      expect([id, image.status]).toEqual([id, 404]);
    }
  });

  it("5: 8 parallel deliveries of one ClusterSupportEnding post one Teams alert, and all are acknowledged", async () => {
    const supportCards = async (version: string): Promise<number> => (await teamsMessages(h, "ops"))
      .filter((m) => cardText(m).includes(`Support for Kubernetes ${version} is ending on aks-prod`)).length;
    const e = event("support-ending-parallel", "aks-prod", "ClusterSupportEnding", { kubernetesVersion: "1.35.7" });
    const statuses = await Promise.all(Array.from({ length: 8 }, () => deliver([e]).then((r) => r.status)));
    expect(statuses).toEqual(Array.from({ length: 8 }, () => 202));
    expect(await supportCards("1.35.7")).toBe(1);
    const recorded = (await store.events.get("support-ending-parallel"))?.doc;
    expect(recorded).toMatchObject({ disposition: "supportEnding", attempts: 1, cards: ["supportEnding:aks-prod"] });
    expect(recorded).not.toHaveProperty("leaseUntil");
    // Redelivered later: acknowledged, not routed again.
    expect((await deliver([e])).status).toBe(202);
    expect(await supportCards("1.35.7")).toBe(1);
  });

  it("5: a live lease held by another delivery refuses the redelivery; once it ran out the event is retaken and its card not posted twice", async () => {
    const supportCards = async (version: string): Promise<number> => (await teamsMessages(h, "ops"))
      .filter((m) => cardText(m).includes(`Support for Kubernetes ${version} is ending on aks-prod`)).length;
    const e = event("support-ending-leased", "aks-prod", "ClusterSupportEnding", { kubernetesVersion: "1.35.8" });
    // What another instance routing the event right now leaves in the record: `routing`, a lease for another minute, the card posted.
    const now = h.clock.now();
    expect(await store.events.recordOnce({
      id: "support-ending-leased", type: String(e.eventType), subject: "aks-prod", topic: String(e.topic), eventTime: String(e.eventTime),
      receivedAt: new Date(now).toISOString(), data: e.data, disposition: "routing", leaseUntil: new Date(now + 60_000).toISOString(), attempts: 1
    })).toBe("new");
    const busy = await deliver([e]);
    expect(busy.status).toBe(500); // Event Grid redelivers it after its retry delay
    expect(await busy.text()).toContain("is being routed by another delivery");
    expect(await supportCards("1.35.8")).toBe(0);
    expect((await store.events.get("support-ending-leased"))?.doc).toMatchObject({ disposition: "routing", attempts: 1 });
    // That instance died after posting the card (recorded on the event) and before recording the outcome.
    await store.events.mutate("support-ending-leased", (d) => ({ ...d, cards: ["supportEnding:aks-prod"] }));
    await advance(h, 61_000, 61_000);
    expect((await deliver([e])).status).toBe(202);
    expect((await store.events.get("support-ending-leased"))?.doc).toMatchObject({ disposition: "supportEnding", attempts: 2 });
    expect(await supportCards("1.35.8")).toBe(0);
  });

  it("12: a serverError fault aimed at a bare subscription id fires as throttle does, and its message keeps its URL whole", async () => {
    const message = "Try again later; see https://status.azure.com/en-us/status/history?service=arm for details.";
    // A 503 with Retry-After: 0 (as governance.test's budget fault): the SDK retries it at once; a
    // 500 it would retry on wall-clock exponential backoff (~7 s of this suite's time spent idle).
    const fault = await sim<{ id: string }>(h, "POST", "/_sim/faults", { kind: "serverError", target: h.subscriptionId, message, status: 503, retryAfterSeconds: 0, count: 50 });
    expect(fault.status).toBe(201);
    const res = await api<Record<string, unknown>>(h, "GET", "/clusters/aks-dev");
    const text = JSON.stringify(res.body);
    expect(text).toContain("https://status.azure.com/en-us/status/history?service=arm");
    expect(text).not.toContain("https:/<path>");
    await sim(h, "DELETE", "/_sim/faults");
  });

  it("10: GET /api/operations pages: top (default 50, at most 200) and Cosmos's continuation token; garbage is a 400 naming the field", async () => {
    // 120 finished operations of one (unregistered) cluster, a minute apart.
    for (let i = 0; i < 120; i++) {
      const at = new Date(Date.parse("2026-10-01T00:00:00Z") + i * 60_000).toISOString();
      await store.operations.create(operationRecord(`paging-${String(i).padStart(3, "0")}`, "aks-paging", { status: "Succeeded", timings: { createdAt: at, updatedAt: at, endedAt: at } }));
    }
    const page = (query: string) => api<{ value: OperationRecord[]; continuationToken?: string; error?: { fields: { field: string }[] } }>(h, "GET", `/operations${query}`);
    const first = await page("?clusterId=aks-paging");
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(50);
    expect(typeof first.body.continuationToken).toBe("string");
    const seen = [...first.body.value];
    let token = first.body.continuationToken;
    while (token) {
      const next = await page(`?clusterId=aks-paging&top=30&continuationToken=${encodeURIComponent(token)}`);
      expect(next.status).toBe(200);
      expect(next.body.value.length).toBeLessThanOrEqual(30);
      seen.push(...next.body.value);
      token = next.body.continuationToken;
    }
    expect(seen.map((o) => o.id)).toEqual(Array.from({ length: 120 }, (_, i) => `paging-${String(119 - i).padStart(3, "0")}`));
    // Across clusters too: one page, bounded.
    const all = await page("");
    expect(all.body.value.length).toBe(50);
    expect(all.body.continuationToken).toBeDefined();
    for (const query of ["?top=0", "?top=201", "?top=abc", "?top=", "?top=1.5", "?continuationToken=garbage", "?continuationToken=%7B%7D", "?continuationToken=", `?continuationToken=${"x".repeat(9000)}`, "?continuationToken=%5B%5D"]) {
      const res = await page(query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.error?.fields.map((f) => f.field)).toEqual([query.startsWith("?top") ? "top" : "continuationToken"]);
    }
  });

  // Issue 25 (nothing swallowed): before, the 429 was taken for "no step running" and the event acknowledged `outOfBand`.
  it("8 (issue 25): a Cosmos 429 on the step write fails the delivery for Event Grid to retry (it retries 5xx: https://learn.microsoft.com/azure/event-grid/delivery-and-retry); the redelivery attaches the event", async () => {
    const cluster = "aks-staging";
    const at = new Date(h.clock.now()).toISOString();
    await store.operations.create(operationRecord("op-throttled", cluster, {
      status: "Running", instanceId: "op-throttled",
      steps: [{ index: 0, name: "pool user 1.35.1 → 1.36.0", kind: "nodePool", pool: "user", from: "1.35.1", to: "1.36.0", status: "Running", startedAt: at }]
    }));
    await store.clusters.mutate(cluster, (c) => ({ ...c, lock: { holder: { operationId: "op-throttled", instanceId: "op-throttled", since: at }, queue: [] } }));
    try {
      const event = aksEvent(h, "rolling-429", cluster, "NodePoolRollingStarted", { nodePoolName: "user" });
      // Every write to `operations` refused as Cosmos refuses them over its throughput: more than the SDK's own retries.
      h.platform.cosmos.faults.throttle({ count: 40, retryAfterMs: 1, container: "operations" });
      const refused = await deliverEvents(h, [event]);
      h.platform.cosmos.faults.clear();
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect((await store.events.get("rolling-429"))?.doc).toMatchObject({ disposition: "failed" });
      expect((await store.operations.get(cluster, "op-throttled"))?.doc.steps[0]?.events).toBeUndefined();

      const redelivered = await deliverEvents(h, [event]);
      expect(redelivered.status).toBe(202);
      expect((await store.events.get("rolling-429"))?.doc).toMatchObject({ disposition: "attached", operationId: "op-throttled" });
      expect((await store.operations.get(cluster, "op-throttled"))?.doc.steps[0]?.events?.map((e) => e.eventId)).toEqual(["rolling-429"]);
    } finally {
      await store.clusters.mutate(cluster, (c) => ({ ...c, lock: { queue: [] } }));
    }
  });
});
