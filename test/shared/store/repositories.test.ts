import { ConcurrencyError, DuplicateError, NotFoundError, ensureCosmosContainers } from "../../../shared/store";
import { clusterRecord, eventRecord, findingRecord, operationRecord } from "./records";
import { startStoreFixture, type StoreFixture } from "./store-fixture";

describe("Cosmos store repositories (embedded Cosmos, real @azure/cosmos client)", () => {
  let f: StoreFixture;

  beforeAll(async () => {
    f = await startStoreFixture();
  });

  afterAll(async () => {
    await f.dispose();
  });

  describe("clusters", () => {
    it("keys names case-insensitively: one record per name in any case, kept as registered; provisioning records are not clusters", async () => {
      const created = await f.store.clusters.create(clusterRecord("Aks-Case"));
      expect(created.doc.id).toBe("Aks-Case");
      await expect(f.store.clusters.create(clusterRecord("AKS-CASE"))).rejects.toBeInstanceOf(DuplicateError);
      for (const spelling of ["aks-case", "AKS-CASE", "Aks-Case"]) expect((await f.store.clusters.get(spelling))?.doc.id).toBe("Aks-Case");
      const changed = await f.store.clusters.mutate("aks-case", (c) => ({ ...c, environment: "dev" }));
      expect([changed.doc.id, changed.doc.environment]).toEqual(["Aks-Case", "dev"]);

      const making = clusterRecord("aks-making", { provisioning: { operationId: "provision:aks-making", requestHash: "h" } });
      await f.store.clusters.create(making);
      expect((await f.store.clusters.get("AKS-MAKING"))?.doc.provisioning?.operationId).toBe("provision:aks-making");
      expect((await f.store.clusters.list()).map((c) => c.id)).not.toContain("aks-making");
      expect(await f.store.clusters.findByResourceId(making.resourceId)).toBeUndefined();
      expect((await f.store.clusters.findOwner(making.resourceId.toUpperCase()))?.id).toBe("aks-making");

      // A document from before names were folded (stored under its name as spelled) moves on first access.
      const container = f.client.database("aksops").container("clusters");
      await container.items.create(clusterRecord("Aks-Legacy"));
      expect((await f.store.clusters.get("Aks-Legacy"))?.doc.id).toBe("Aks-Legacy");
      expect((await f.store.clusters.get("aks-legacy"))?.doc.id).toBe("Aks-Legacy");
      expect((await container.item("Aks-Legacy", "Aks-Legacy").read()).statusCode).toBe(404);
      // Two records for one resource id (older data): list and the lookups answer the first registered only.
      await container.items.create(clusterRecord("AKS-CASE", { resourceId: created.doc.resourceId.toUpperCase(), createdAt: "2030-01-01T00:00:00.000Z" }));
      expect((await f.store.clusters.list()).filter((c) => c.resourceId.toLowerCase() === created.doc.resourceId.toLowerCase()).map((c) => c.id)).toEqual(["Aks-Case"]);
      expect((await f.store.clusters.findByResourceId(created.doc.resourceId))?.id).toBe("Aks-Case");
    });

    it("creates, gets and lists; a second create of the same name is a DuplicateError", async () => {
      await f.store.clusters.create(clusterRecord("aks-list-b"));
      const created = await f.store.clusters.create(clusterRecord("aks-list-a", { environment: "dev" }));
      expect(created.etag).toBeTruthy();
      expect(created.doc).not.toHaveProperty("_etag");

      const got = await f.store.clusters.get("aks-list-a");
      expect(got?.doc).toEqual(clusterRecord("aks-list-a", { environment: "dev" }));
      expect(await f.store.clusters.get("aks-missing")).toBeUndefined();

      const ids = (await f.store.clusters.list()).map((c) => c.id).filter((id) => id.startsWith("aks-list-"));
      expect(ids).toEqual(["aks-list-a", "aks-list-b"]);

      const dup = f.store.clusters.create(clusterRecord("aks-list-a", { resourceId: "/subscriptions/x/resourceGroups/other/providers/Microsoft.ContainerService/managedClusters/aks-list-a" }));
      await expect(dup).rejects.toBeInstanceOf(DuplicateError);
      await expect(dup).rejects.toMatchObject({ container: "clusters", id: "aks-list-a", partitionKey: "aks-list-a" });
    });

    it("finds a cluster by resource id and by event topic, ignoring case as ARM does", async () => {
      const record = clusterRecord("aks-find");
      await f.store.clusters.create(record);
      expect((await f.store.clusters.findByResourceId(record.resourceId.toUpperCase()))?.id).toBe("aks-find");
      expect((await f.store.clusters.listByEventTopic(record.eventTopic!.toLowerCase())).map((c) => c.id)).toEqual(["aks-find"]);
      expect(await f.store.clusters.findByResourceId("/subscriptions/none")).toBeUndefined();
    });

    it("upsert with a stale ETag fails with 412; with the current one it succeeds and stamps updatedAt from the clock", async () => {
      const { etag } = await f.store.clusters.create(clusterRecord("aks-etag"));
      await f.clock.advance(60_000);
      const fresh = await f.store.clusters.upsert(clusterRecord("aks-etag", { environment: "staging" }), etag);
      expect(fresh.doc.updatedAt).toBe("2026-03-02T09:01:00.000Z");
      expect(fresh.etag).not.toBe(etag);

      const stale = f.store.clusters.upsert(clusterRecord("aks-etag", { environment: "dev" }), etag);
      await expect(stale).rejects.toMatchObject({ code: 412 });
      expect((await f.store.clusters.get("aks-etag"))?.doc.environment).toBe("staging");
    });

    it("applies two concurrent mutations both: the loser gets a 412, re-reads and re-applies its change", async () => {
      await f.store.clusters.create(clusterRecord("aks-race", { lock: { queue: [] } }));
      const entry = (operationId: string) => ({ operationId, instanceId: `i-${operationId}`, since: "2026-03-02T09:00:00.000Z" });
      let firstRuns = 0;
      // The first writer reads, then (while it holds the old ETag) a second writer completes its own mutate.
      const first = f.store.clusters.mutate("aks-race", async (c) => {
        firstRuns++;
        if (firstRuns === 1) {
          await f.store.clusters.mutate("aks-race", (inner) => ({ ...inner, lock: { queue: [...(inner.lock?.queue ?? []), entry("op-b")] } }));
        }
        return { ...c, lock: { queue: [...(c.lock?.queue ?? []), entry("op-a")] } };
      });
      await first;
      expect(firstRuns).toBe(2);
      expect((await f.store.clusters.get("aks-race"))?.doc.lock?.queue.map((q) => q.operationId)).toEqual(["op-b", "op-a"]);

      // And plain concurrent callers, however the server interleaves them, all land.
      await Promise.all(["op-c", "op-d", "op-e"].map((id) =>
        f.store.clusters.mutate("aks-race", (c) => ({ ...c, lock: { queue: [...(c.lock?.queue ?? []), entry(id)] } }))));
      expect((await f.store.clusters.get("aks-race"))?.doc.lock?.queue.map((q) => q.operationId).sort()).toEqual(["op-a", "op-b", "op-c", "op-d", "op-e"]);
    });

    it("mutate: undefined leaves the document alone; a missing document is a NotFoundError; retries are bounded", async () => {
      const { etag } = await f.store.clusters.create(clusterRecord("aks-noop"));
      const same = await f.store.clusters.mutate("aks-noop", () => undefined);
      expect(same.etag).toBe(etag);
      await expect(f.store.clusters.mutate("aks-nowhere", (c) => c)).rejects.toBeInstanceOf(NotFoundError);

      // Someone else writes the document during every attempt: each attempt loses, and mutate gives up after 3.
      let attempts = 0;
      const hostile = f.store.clusters.mutate(
        "aks-noop",
        async (c) => {
          attempts++;
          await f.store.clusters.upsert(clusterRecord("aks-noop", { environment: "staging" }));
          return { ...c, environment: "dev" };
        },
        3
      );
      await expect(hostile).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(hostile).rejects.toMatchObject({ attempts: 3, container: "clusters", id: "aks-noop" });
      expect(attempts).toBe(3);
      expect((await f.store.clusters.get("aks-noop"))?.doc.environment).toBe("staging");
    });
  });

  describe("operations", () => {
    it("creates, reads by (cluster, id) and by id across partitions; duplicates are DuplicateError", async () => {
      await f.store.operations.create(operationRecord("op-1", "aks-prod"));
      expect((await f.store.operations.get("aks-prod", "op-1"))?.doc.status).toBe("Pending");
      expect(await f.store.operations.get("aks-dev", "op-1")).toBeUndefined();
      expect((await f.store.operations.findById("op-1"))?.clusterId).toBe("aks-prod");
      expect(await f.store.operations.findById("op-none")).toBeUndefined();
      await expect(f.store.operations.create(operationRecord("op-1", "aks-prod"))).rejects.toBeInstanceOf(DuplicateError);
    });

    it("queries by cluster, status (one or several) and kind, newest first", async () => {
      const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, "0")}:00.000Z`;
      const ops = [
        operationRecord("q-1", "aks-q1", { status: "Succeeded", timings: { createdAt: at(1), updatedAt: at(1) } }),
        operationRecord("q-2", "aks-q1", { status: "Running", timings: { createdAt: at(2), updatedAt: at(2) } }),
        operationRecord("q-3", "aks-q1", { status: "Queued", kind: "nodeImageRollout", timings: { createdAt: at(3), updatedAt: at(3) } }),
        operationRecord("q-4", "aks-q2", { status: "Running", timings: { createdAt: at(4), updatedAt: at(4) } })
      ];
      for (const op of ops) await f.store.operations.create(op);

      const ids = async (filter: Parameters<typeof f.store.operations.query>[0]) => (await f.store.operations.query(filter)).map((o) => o.id);
      expect(await ids({ clusterId: "aks-q1" })).toEqual(["q-3", "q-2", "q-1"]);
      expect(await ids({ clusterId: "aks-q1", status: "Running" })).toEqual(["q-2"]);
      expect((await ids({ status: "Running" })).filter((id) => id.startsWith("q-"))).toEqual(["q-4", "q-2"]);
      expect(await ids({ clusterId: "aks-q1", status: ["Queued", "Running"] })).toEqual(["q-3", "q-2"]);
      expect(await ids({ clusterId: "aks-q1", kind: "nodeImageRollout" })).toEqual(["q-3"]);
      expect(await ids({ clusterId: "aks-q1", limit: 1 })).toEqual(["q-3"]);
    });

    it("records steps from concurrent writers without losing either, and stamps timings.updatedAt", async () => {
      await f.store.operations.create(operationRecord("op-steps", "aks-prod"));
      await f.clock.advance(5 * 60_000);
      const addApproval = (approver: string) =>
        f.store.operations.mutate("aks-prod", "op-steps", (op) => ({
          ...op,
          approvals: [...op.approvals, { step: 0, decision: "approve", approver, at: "2026-03-02T09:05:00.000Z" }]
        }));
      const startStep = f.store.operations.mutate("aks-prod", "op-steps", (op) => ({
        ...op,
        status: "Running",
        steps: [...op.steps, { index: 0, name: "control plane 1.31.5 → 1.32.3", kind: "controlPlane", from: "1.31.5", to: "1.32.3", status: "Running", startedAt: "2026-03-02T09:05:00.000Z" }]
      }));
      await Promise.all([addApproval("alice@contoso.com"), startStep, addApproval("bob@contoso.com")]);
      const op = (await f.store.operations.get("aks-prod", "op-steps"))!.doc;
      expect(op.status).toBe("Running");
      expect(op.steps.map((s) => s.status)).toEqual(["Running"]);
      expect(op.approvals.map((a) => a.approver).sort()).toEqual(["alice@contoso.com", "bob@contoso.com"]);
      expect(op.timings.updatedAt >= "2026-03-02T09:05:00.000Z").toBe(true);
    });

    it("refuses a mutation that moves the document to another partition", async () => {
      await f.store.operations.create(operationRecord("op-move", "aks-prod"));
      await expect(f.store.operations.mutate("aks-prod", "op-move", (op) => ({ ...op, clusterId: "aks-dev" }))).rejects.toThrow(/partition key/);
    });
  });

  describe("events", () => {
    it("recordOnce answers new, then duplicate for the same id (Event Grid's at-least-once delivery)", async () => {
      expect(await f.store.events.recordOnce(eventRecord("evt-1"))).toBe("new");
      expect(await f.store.events.recordOnce(eventRecord("evt-1", { receivedAt: "2026-03-02T09:10:00.000Z" }))).toBe("duplicate");
      expect((await f.store.events.get("evt-1"))?.doc.receivedAt).toBe("2026-03-02T09:00:00.000Z");
    });

    it("three concurrent deliveries of one event: exactly one is new", async () => {
      const outcomes = await Promise.all([1, 2, 3].map(() => f.store.events.recordOnce(eventRecord("evt-race"))));
      expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "new"]);
    });

    it("notes the disposition and lists a cluster's events newest first", async () => {
      await f.store.events.recordOnce(eventRecord("evt-a", { clusterId: "aks-ev", receivedAt: "2026-03-02T09:01:00.000Z" }));
      await f.store.events.recordOnce(eventRecord("evt-b", { clusterId: "aks-ev", receivedAt: "2026-03-02T09:02:00.000Z" }));
      await f.store.events.mutate("evt-a", (e) => ({ ...e, disposition: "started", operationId: "op-9" }));
      expect((await f.store.events.get("evt-a"))?.doc).toMatchObject({ disposition: "started", operationId: "op-9" });
      expect((await f.store.events.listByCluster("aks-ev")).map((e) => e.id)).toEqual(["evt-b", "evt-a"]);
    });
  });

  describe("findings", () => {
    it("upserts one finding per (cluster, rule) and lists them with filters", async () => {
      await f.store.findings.upsert(findingRecord("aks-fd", "azurePolicyEnabled"));
      await f.store.findings.upsert(findingRecord("aks-fd", "localAccountsDisabled", { status: "pass" }));
      await f.store.findings.upsert(findingRecord("aks-fd", "azurePolicyEnabled", { status: "pass", resolvedAt: "2026-03-02T09:30:00.000Z" }));
      await f.store.findings.upsert(findingRecord("aks-fd", "diagnosticCategories", { category: "drift" }));
      expect((await f.store.findings.listByCluster("aks-fd")).map((x) => `${x.rule}:${x.status}`)).toEqual([
        "azurePolicyEnabled:pass",
        "diagnosticCategories:fail",
        "localAccountsDisabled:pass"
      ]);
      expect((await f.store.findings.listByCluster("aks-fd", { status: "fail" })).map((x) => x.rule)).toEqual(["diagnosticCategories"]);
      expect((await f.store.findings.listByCluster("aks-fd", { category: "drift" })).map((x) => x.rule)).toEqual(["diagnosticCategories"]);
      expect(await f.store.findings.remove("aks-fd", "aks-fd:diagnosticCategories")).toBe(true);
      expect(await f.store.findings.remove("aks-fd", "aks-fd:diagnosticCategories")).toBe(false);
    });

    it("observe keeps first-seen across failing evaluations, resolves on a pass, and writes nothing for a clean pass", async () => {
      const at = (m: number) => `2026-03-02T09:${String(m).padStart(2, "0")}:00.000Z`;
      const base = { id: "aks-ob:kubeAudit", clusterId: "aks-ob", category: "drift" as const, rule: "kubeAudit", severity: "high" as const, evidence: "kube-audit on" };
      expect(await f.store.findings.observe({ ...base, status: "pass", observedAt: at(0) })).toBeUndefined();
      expect(await f.store.findings.get("aks-ob", base.id)).toBeUndefined();
      await f.store.findings.observe({ ...base, status: "fail", observedAt: at(1) });
      const second = await f.store.findings.observe({ ...base, status: "fail", observedAt: at(2) });
      expect(second).toMatchObject({ status: "fail", firstSeenAt: at(1), lastSeenAt: at(2) });
      const resolved = await f.store.findings.observe({ ...base, status: "pass", evidence: "kube-audit off", observedAt: at(3) });
      expect(resolved).toMatchObject({ status: "pass", firstSeenAt: at(1), lastSeenAt: at(2), resolvedAt: at(3) });
      const again = await f.store.findings.observe({ ...base, status: "fail", observedAt: at(4) });
      expect(again).toMatchObject({ status: "fail", firstSeenAt: at(4), lastSeenAt: at(4) });
      expect(again?.resolvedAt).toBeUndefined();
    });
  });

  it("ensureCosmosContainers is idempotent", async () => {
    await ensureCosmosContainers(f.client, "aksops");
    await ensureCosmosContainers(f.client, "aksops");
    const { resources } = await f.client.database("aksops").containers.readAll().fetchAll();
    expect(resources.map((c) => c.id).sort()).toEqual(["clusters", "events", "findings", "operations"]);
  });

  it("keeps every repository's records across a restart; ETags held from before answer 412 and mutate recovers", async () => {
    await f.store.clusters.create(clusterRecord("aks-persist"));
    const before = await f.store.operations.create(operationRecord("op-persist", "aks-persist"));
    await f.store.events.recordOnce(eventRecord("evt-persist"));
    await f.store.findings.upsert(findingRecord("aks-persist", "rule-1"));

    await f.restart();

    expect((await f.store.clusters.get("aks-persist"))?.doc).toEqual(clusterRecord("aks-persist"));
    expect((await f.store.operations.get("aks-persist", "op-persist"))?.doc).toEqual(operationRecord("op-persist", "aks-persist"));
    expect(await f.store.events.recordOnce(eventRecord("evt-persist"))).toBe("duplicate");
    expect((await f.store.findings.get("aks-persist", "aks-persist:rule-1"))?.doc.rule).toBe("rule-1");

    await expect(f.store.clusters.upsert(clusterRecord("aks-persist"), before.etag)).rejects.toMatchObject({ code: 412 });
    const resumed = await f.store.operations.mutate("aks-persist", "op-persist", (op) => ({ ...op, status: "Running" }));
    expect(resumed.doc.status).toBe("Running");
  });
});
