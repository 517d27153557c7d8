import { COSMOS_ID_MAX_LENGTH, cosmosId, decodeCosmosId } from "../../../shared/store";
import { clusterRecord, eventRecord, operationRecord } from "./records";
import { startStoreFixture, type StoreFixture } from "./store-fixture";

describe("Cosmos ids from outside input (cosmosId)", () => {
  it("keeps ids Cosmos accepts, escapes / \\ ? # and %, decodes back, and caps at 255 characters with a hash", () => {
    expect(cosmosId("8f3c6f0e-1b2a-4c5d-9e8f-0a1b2c3d4e5f")).toBe("8f3c6f0e-1b2a-4c5d-9e8f-0a1b2c3d4e5f");
    expect(cosmosId("k8s-upgrade:aks-dev:1.36.3")).toBe("k8s-upgrade:aks-dev:1.36.3");
    for (const key of ["a/b", "a\\b", "what?x=1#frag", "100%", "..%2F..%2Fetc", "%2F"]) {
      const id = cosmosId(key);
      expect(id).not.toMatch(/[/\\?#]/);
      expect(decodeCosmosId(id)).toBe(key);
    }
    expect(cosmosId("a/b")).not.toBe(cosmosId("a%2Fb"));
    const long = "x/".repeat(400);
    const capped = cosmosId(long);
    expect(capped.length).toBeLessThanOrEqual(COSMOS_ID_MAX_LENGTH);
    expect(capped).not.toMatch(/[/\\?#]/);
    expect(cosmosId(long)).toBe(capped);
    expect(cosmosId(`${long}y`)).not.toBe(capped);
    // Issue 24: what Cosmos cannot address at the end of an id (white space, dots) or anywhere (control characters).
    for (const key of ["evt ", "evt.", "evt..", ".", "..", " ", "\t", "\n", "a\tb", "evt\r\n", "evt . .", "evt\u00A0", "\u2028", "%2E", "a.b c"]) {
      const id = cosmosId(key);
      const unaddressable = /[\s.]$|[/\\?#]/.test(id) || [...id].some((c) => c.charCodeAt(0) < 0x20);
      expect([key, id, unaddressable]).toEqual([key, id, false]);
      expect(decodeCosmosId(id)).toBe(key);
    }
    expect(cosmosId("a.b c")).toBe("a.b c");
    expect(cosmosId("evt.")).not.toBe(cosmosId("evt"));
    expect(cosmosId("evt%2E")).not.toBe(cosmosId("evt."));
    // Never half a surrogate pair at the cut.
    expect(cosmosId("😀".repeat(300))).not.toMatch(/[\uD800-\uDBFF]~/);
  });

  describe("through the repositories on the embedded Cosmos", () => {
    let f: StoreFixture;
    beforeAll(async () => { f = await startStoreFixture(); });
    afterAll(async () => { await f.dispose(); });

    it("stores, reads, dedupes and mutates events whose ids Cosmos would refuse, under their own id", async () => {
      for (const id of ["evt/1", "evt\\2", "evt?3", "evt#4", "e".repeat(300), `${"f/".repeat(200)}end`, "evt ", "evt.", "evt..", ".", "..", " ", "\t", "\n", "a\tb", `${"s".repeat(300)} `]) {
        expect(await f.store.events.recordOnce(eventRecord(id))).toBe("new");
        expect(await f.store.events.recordOnce(eventRecord(id))).toBe("duplicate");
        expect((await f.store.events.get(id))?.doc.id).toBe(id);
        const changed = await f.store.events.mutate(id, (e) => ({ ...e, disposition: "routed" }));
        expect(changed.doc).toMatchObject({ id, disposition: "routed" });
        expect(changed.doc).not.toHaveProperty("sourceId");
      }
      // Two long ids with the same first 255 characters stay two records.
      const a = `${"g".repeat(300)}a`;
      const b = `${"g".repeat(300)}b`;
      expect(await f.store.events.recordOnce(eventRecord(a))).toBe("new");
      expect(await f.store.events.recordOnce(eventRecord(b))).toBe("new");
      expect((await f.store.events.get(b))?.doc.id).toBe(b);
    });

    it("answers not found, never a Cosmos error, for cluster and operation keys with those characters", async () => {
      await f.store.clusters.create(clusterRecord("aks-ids"));
      for (const id of ["../../etc", "a\\b", "a?b", "a#b", "..%2F..%2Fetc", "x".repeat(400)]) {
        expect(await f.store.clusters.get(id)).toBeUndefined();
        expect(await f.store.operations.get(id, id)).toBeUndefined();
        expect(await f.store.operations.findById(id)).toBeUndefined();
      }
      await f.store.operations.create(operationRecord("op/with?odd#chars", "aks-ids"));
      expect((await f.store.operations.findById("op/with?odd#chars"))?.id).toBe("op/with?odd#chars");
      expect((await f.store.operations.query({ clusterId: "aks-ids" })).map((o) => o.id)).toEqual(["op/with?odd#chars"]);
    });
  });
});
