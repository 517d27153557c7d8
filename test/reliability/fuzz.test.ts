/**
 * A property test of the platform's HTTP surface (issue 10): fast-check generates requests to every
 * API route and the Event Grid webhook (bodies, ids, query strings, tokens, events) against the
 * whole local platform. Every answer is 2xx or 4xx, never 5xx; a 4xx from the API writes no record;
 * the host stays up. FUZZ_RUNS requests (README "Hardening and limits" states the number).
 * Issue 24 added the shapes that answered 500 then: ids ending in a space or dots, ids of white
 * space only, `.` and `..`, event data nested thousands deep, case variants of the demo names,
 * and the operations list's `top` and `continuationToken`.
 */
import fc from "fast-check";
import { createCosmosClient } from "../../shared/azure";
import { advance, clusterResourceId, startHarness, type Harness } from "../platform/support";

export const FUZZ_RUNS = 500;

interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  webhook?: boolean;
}

const hostile = fc.constantFrom(
  "", " ", "..", ".", "../..", "..%2F..%2Fetc", "a%5Cb", "a/b", "a\\b", "a?b", "a#b", "%", "%00", "__proto__", "constructor",
  "x".repeat(300), "aks-dev", "aks-staging", "aks-prod", "k8s-upgrade:aks-dev:1.36.3", "😀", "\u0000", "<script>", "[click me](https://evil.example)",
  // Issue 24: trailing spaces and dots, white space only, case variants of existing names.
  "evt ", "evt.", "evt..", "evt. .", "aks-dev ", "aks-dev.", "aks-dev..", "  ", "\t", "\n", "\r\n", " \t\n", "\u00A0", "\u2028",
  "AKS-DEV", "Aks-Staging", "aks-PROD", "K8S-UPGRADE:AKS-DEV:1.36.3"
);
/** Data nested `depth` deep, as JSON text (JSON.stringify itself overflows V8's stack a few thousand deep). */
const deepJson = fc.integer({ min: 20, max: 6000 }).chain((depth) => fc.constantFrom("[", '{"d":').map((open) => `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`));
const text = fc.oneof(hostile, fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary-ascii", maxLength: 40 }));
const version = fc.oneof(
  fc.constantFrom("1.36.3", "1.36", "1.35.4", "1.34.0", "9.99.9", "99999999999999999999.1", "v1.36.3", "1.36.3-preview", "01.36.3", "1.36.3 ", `1.36.3${" ".repeat(100)}`),
  text, fc.integer(), fc.constant(null)
);
const jsonBody = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> => fc.oneof(
  fc.record(fields, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  text
);
const segment = text.map((s) => { try { return encodeURIComponent(s); } catch { return "x"; } });
const query = fc.array(fc.tuple(fc.constantFrom("status", "clusterId", "other", "", "top", "continuationToken"),
  fc.oneof(text, fc.constantFrom("1", "50", "200", "201", "0", "-1", "1e3", "{}", "[]", '{"token":"+RID:x","range":{"min":"","max":"FF"}}'))), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => { try { return `${k}=${encodeURIComponent(v)}`; } catch { return k; } }).join("&"));

function requests(h: Harness): fc.Arbitrary<FuzzRequest> {
  const clusterId = (name: string): string => clusterResourceId(h, name);
  const resourceId = fc.oneof(
    text, fc.constantFrom(clusterId("aks-dev"), clusterId("aks-nope"), `${clusterId("aks-dev")}/`, clusterId("..").replace("/managedClusters/..", "/managedClusters/../.."),
      `/subscriptions/${h.subscriptionId}/resourceGroups/../providers/Microsoft.ContainerService/managedClusters/..`)
  );
  const event = fc.record({
    id: fc.oneof(text, fc.uuid()), topic: fc.oneof(text, fc.constantFrom(clusterId("aks-dev"), clusterId("aks-staging"), clusterId("aks-other"))),
    subject: text, eventTime: fc.oneof(fc.constant("2026-11-02T08:00:00Z"), text),
    eventType: fc.constantFrom("Microsoft.ContainerService.NewKubernetesVersionAvailable", "Microsoft.ContainerService.ClusterSupportEnding",
      "Microsoft.ContainerService.NodePoolRollingSucceeded", "Microsoft.ContainerService.NodePoolRollingStarted", "Other.Type"),
    dataVersion: fc.constantFrom("1", ""),
    data: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ latestSupportedKubernetesVersion: version, kubernetesVersion: version, nodePoolName: text }, { requiredKeys: [] }))
  }, { requiredKeys: [] });
  return fc.oneof(
    jsonBody({ resourceId, environment: fc.oneof(fc.constantFrom("dev", "staging", "prod"), text), policy: fc.jsonValue({ maxDepth: 2 }) })
      .map((body) => ({ method: "POST", path: "/api/clusters/adopt", body })),
    fc.tuple(fc.oneof(fc.constantFrom("aks-dev", "aks-staging"), segment), jsonBody({ kind: fc.oneof(fc.constantFrom("kubernetes", "nodeImage"), text), targetVersion: version }))
      .map(([id, body]) => ({ method: "POST", path: `/api/clusters/${id}/upgrades`, body })),
    segment.map((id) => ({ method: "GET", path: `/api/clusters/${id}` })),
    segment.map((id) => ({ method: "GET", path: `/api/clusters/${id}/conformance` })),
    query.map((q) => ({ method: "GET", path: `/api/operations?${q}` })),
    segment.map((id) => ({ method: "GET", path: `/api/operations/${id}` })),
    fc.tuple(segment, fc.oneof(
      fc.record({ decision: fc.oneof(fc.constantFrom("approve", "reject"), text), approver: text, comment: text }, { requiredKeys: [] }).map((f) => new URLSearchParams(f as Record<string, string>).toString()),
      text
    )).map(([token, body]) => ({ method: "POST", path: `/api/approvals/${token}`, body, contentType: "application/x-www-form-urlencoded" })),
    segment.map((token) => ({ method: "GET", path: `/api/approvals/${token}` })),
    fc.oneof(
      fc.array(event, { maxLength: 3 }).map((events) => JSON.stringify(events)), event.map((e) => JSON.stringify(e)), text,
      // An event whose data is nested thousands deep, alone or beside a valid one.
      fc.tuple(event, deepJson, fc.boolean()).map(([e, deep, alone]) => {
        const withDeep = JSON.stringify({ ...e, data: null }).replace(/"data":null/, `"data":${deep}`);
        return alone ? withDeep : `[${withDeep},${JSON.stringify({ ...e, id: `${String(e.id ?? "x")}-beside` })}]`;
      })
    ).map((body) => ({ method: "POST", path: "webhook", body, webhook: true }))
  );
}

describe("fuzz: the HTTP API and the Event Grid webhook never answer 5xx", () => {
  let h: Harness;
  let count: () => Promise<number>;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
    const cosmos = createCosmosClient({ mode: "local", cosmos: { endpoint: h.platform.cosmos.endpoint, database: "aksops", key: h.platform.cosmos.key }, localCaPath: h.platform.cosmos.caPath });
    const db = cosmos.database("aksops");
    count = async () => {
      let total = 0;
      for (const container of ["clusters", "operations"]) {
        const { resources } = await db.container(container).items.query<number>("SELECT VALUE COUNT(1) FROM c").fetchAll();
        total += resources[0] ?? 0;
      }
      return total;
    };
  });
  afterAll(async () => { await h.stop(); });

  it(`${FUZZ_RUNS} generated requests: 2xx or 4xx, no record written on an API 4xx, the host still up`, async () => {
    const base = h.platform.settings.PUBLIC_BASE_URL ?? "";
    const webhook = `${base}/runtime/webhooks/eventgrid?functionName=aksEvents&code=${h.platform.settings.EVENTGRID_SYSTEM_KEY}`;
    const seen = new Map<number, number>();
    await fc.assert(fc.asyncProperty(requests(h), async (r) => {
      // Work started by an earlier request (an upgrade) settles first, so only this request can change the count.
      await h.clock.waitForIdle();
      const before = r.webhook ? 0 : await count();
      const res = await fetch(r.webhook ? webhook : `${base}${r.path}`, {
        method: r.method,
        headers: { "content-type": r.contentType ?? "application/json", ...(r.webhook ? { "aeg-event-type": "Notification" } : {}) },
        ...(r.body !== undefined ? { body: r.body } : {})
      });
      await res.arrayBuffer();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      expect([r.method, r.path, r.body?.slice(0, 200), res.status < 500]).toEqual([r.method, r.path, r.body?.slice(0, 200), true]);
      if (!r.webhook && res.status >= 400) {
        await h.clock.waitForIdle();
        expect([r.path, await count()]).toEqual([r.path, before]);
      }
    }), { numRuns: FUZZ_RUNS, seed: 20261203 });
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    // The generator reached both outcomes.
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
    expect([...seen.keys()].some((s) => s >= 400)).toBe(true);
  }, 300_000);
});
