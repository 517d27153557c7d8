import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CosmosClient } from "@azure/cosmos";
import { VirtualClock } from "../../local/clock";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../local/cosmos";
import { ContainerNames } from "../../shared/store";

function clientFor(cosmos: EmbeddedCosmos): CosmosClient {
  return new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    agent: new Agent({ ca: readFileSync(cosmos.caPath, "utf8") }),
    connectionPolicy: { enableEndpointDiscovery: false }
  });
}

describe("embedded Cosmos", () => {
  let dataDir: string;
  const running: EmbeddedCosmos[] = [];
  const clients: CosmosClient[] = [];

  async function start(clock?: VirtualClock): Promise<{ cosmos: EmbeddedCosmos; client: CosmosClient }> {
    const cosmos = await startEmbeddedCosmos({ dataDir, port: 0, ...(clock ? { clock } : {}) });
    running.push(cosmos);
    const client = clientFor(cosmos);
    clients.push(client);
    return { cosmos, client };
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "aksops-cosmos-"));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    for (const c of running.splice(0)) await c.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves HTTPS with the local CA and creates the platform's database and containers", async () => {
    const { cosmos, client } = await start();
    expect(cosmos.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(cosmos.caPath).toBe(join(dataDir, "certs", "local-ca.pem"));
    const { resources } = await client.database("aksops").containers.readAll().fetchAll();
    const byId = new Map(resources.map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(["clusters", "events", "findings", "operations"]);
    expect(byId.get("operations")?.partitionKey?.paths).toEqual(["/clusterId"]);
    expect(byId.get("findings")?.partitionKey?.paths).toEqual(["/clusterId"]);
    expect(byId.get("clusters")?.partitionKey?.paths).toEqual(["/id"]);
    expect(byId.get("events")?.defaultTtl).toBe(30 * 24 * 3600);
  });

  it("refuses a client that does not trust its CA", async () => {
    const { cosmos } = await start();
    const untrusting = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
    clients.push(untrusting);
    await expect(untrusting.databases.readAll().fetchAll()).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it("keeps databases, containers and documents across a restart on the same data dir", async () => {
    const first = await start();
    const operations = first.client.database("aksops").container(ContainerNames.operations);
    await operations.items.create({ id: "op-1", clusterId: "aks-prod", status: "Running", steps: [{ name: "control plane" }] });
    await operations.items.create({ id: "op-2", clusterId: "aks-dev", status: "Succeeded" });
    const { database: other } = await first.client.databases.createIfNotExists({ id: "scratch" });
    await other.containers.createIfNotExists({ id: "notes", partitionKey: { paths: ["/owner"] } });
    await other.container("notes").items.create({ id: "n1", owner: "ops", text: "hello" });
    await first.cosmos.stop();
    expect(existsSync(first.cosmos.storePath)).toBe(true);

    const second = await start();
    const { resource: op1 } = await second.client.database("aksops").container(ContainerNames.operations).item("op-1", "aks-prod").read<{ id: string }>();
    expect(op1).toMatchObject({ id: "op-1", clusterId: "aks-prod", status: "Running", steps: [{ name: "control plane" }] });
    const { resources: all } = await second.client.database("aksops").container(ContainerNames.operations).items.readAll().fetchAll();
    expect(all.map((d) => d.id).sort()).toEqual(["op-1", "op-2"]);
    const { resource: note } = await second.client.database("scratch").container("notes").item("n1", "ops").read<{ id: string }>();
    expect(note).toMatchObject({ text: "hello" });
    const { resource: notes } = await second.client.database("scratch").container("notes").read();
    expect(notes?.partitionKey?.paths).toEqual(["/owner"]);
  });

  it("refuses ids Cosmos refuses (over 255 characters, / \\ ? #) and items over 2 MB, and stores nothing of them", async () => {
    const { client } = await start(new VirtualClock());
    const clusters = client.database("aksops").container(ContainerNames.clusters);
    await expect(clusters.items.create({ id: "x".repeat(256) })).rejects.toThrow(/less than '255' characters/);
    await expect(clusters.items.create({ id: "x".repeat(256) })).rejects.toMatchObject({ code: 400 });
    await expect(clusters.items.upsert({ id: "y".repeat(256) })).rejects.toMatchObject({ code: 400 });
    await expect(clusters.items.create({ id: "big", padding: "p".repeat(2 * 1024 * 1024) })).rejects.toMatchObject({ code: 413 });
    await expect(clusters.items.create({ id: "x".repeat(255) })).resolves.toBeDefined();
    const { resources } = await clusters.items.readAll().fetchAll();
    expect(resources.map((r) => r.id)).toEqual(["x".repeat(255)]);
  });

  it("answers a throttled write 429 RequestRateTooLarge with x-ms-retry-after-ms, writes nothing, and the SDK's retries absorb a short burst", async () => {
    const { cosmos, client } = await start(new VirtualClock());
    const clusters = client.database("aksops").container(ContainerNames.clusters);
    cosmos.faults.throttle({ count: 10, retryAfterMs: 5, container: ContainerNames.clusters });
    // One create meets 10 refusals: the SDK's 9 retries are spent and the 429 surfaces.
    const refused = await clusters.items.create({ id: "throttled" }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 429, substatus: 3200 });
    expect((refused as { retryAfterInMs?: number }).retryAfterInMs).toBe(5);
    expect(cosmos.faults.throttled).toBe(10);
    expect((await clusters.items.readAll().fetchAll()).resources).toEqual([]);
    // A burst shorter than the SDK's retries is never seen by the caller; other containers are untouched.
    cosmos.faults.throttle({ count: 3, retryAfterMs: 5, container: ContainerNames.clusters });
    await expect(clusters.items.create({ id: "after-burst" })).resolves.toBeDefined();
    await expect(client.database("aksops").container(ContainerNames.events).items.create({ id: "e1" })).resolves.toBeDefined();
    expect(cosmos.faults.throttled).toBe(13);
  });

  it("drops documents whose TTL ran out while it was stopped, and keeps their age across restarts", async () => {
    let now = 2_000_000_000;
    const nowSeconds = () => now;
    const first = await startEmbeddedCosmos({ dataDir, port: 0, nowSeconds });
    running.push(first);
    const client = clientFor(first);
    clients.push(client);
    const events = client.database("aksops").container(ContainerNames.events);
    const { resource: short } = await events.items.create({ id: "short", ttl: 60 });
    await events.items.create({ id: "forever", ttl: -1 });
    await events.items.create({ id: "default" });
    await first.stop();

    // The server stamped _ts from the wall clock; move "now" past the short TTL only.
    const shortTs = Number(short?._ts);
    now = shortTs + 61;
    const second = await startEmbeddedCosmos({ dataDir, port: 0, nowSeconds });
    running.push(second);
    const client2 = clientFor(second);
    clients.push(client2);
    const ids = (await client2.database("aksops").container(ContainerNames.events).items.readAll().fetchAll()).resources.map((r) => r.id).sort();
    expect(ids).toEqual(["default", "forever"]);
    await second.stop();

    // The default-TTL document kept its original _ts through the reload, so it expires on time.
    now = shortTs + 30 * 24 * 3600 + 5;
    const third = await startEmbeddedCosmos({ dataDir, port: 0, nowSeconds });
    running.push(third);
    const client3 = clientFor(third);
    clients.push(client3);
    const left = (await client3.database("aksops").container(ContainerNames.events).items.readAll().fetchAll()).resources.map((r) => r.id);
    expect(left).toEqual(["forever"]);
  });
});
