import { ResourceManagementClient } from "@azure/arm-resources";
import { startFixture, SUBSCRIPTION, type SimFixture } from "./sim-fixture";

describe("ARM throttling", () => {
  let f: SimFixture;
  afterEach(async () => { await f.close(); });

  it("answers 429 with Retry-After and the remaining-reads header once the bucket is empty, refilled on the virtual clock", async () => {
    f = await startFixture({ throttling: { read: { burst: 2, perSecond: 0.5 } } });
    const path = `/subscriptions/${SUBSCRIPTION}/resourcegroups?api-version=2021-04-01`;
    const auth = { authorization: "Bearer t" };
    const first = await f.raw("GET", path, undefined, auth);
    expect(first.status).toBe(200);
    expect(first.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("1");
    expect((await f.raw("GET", path, undefined, auth)).status).toBe(200);
    const throttled = await f.raw("GET", path, undefined, auth);
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("2");
    expect(throttled.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("0");
    expect(throttled.body).toMatchObject({ error: { code: "TooManyRequests" } });
    // Writes have their own bucket.
    expect((await f.raw("PUT", `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-w?api-version=2021-04-01`, { location: "westeurope" }, auth)).status).toBe(201);
    await f.clock.advance(2000);
    expect((await f.raw("GET", path, undefined, auth)).status).toBe(200);
  });

  it("is retried by the SDK after Retry-After", async () => {
    f = await startFixture({ throttling: { read: { burst: 1, perSecond: 1 } } });
    const client = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await client.resourceGroups.createOrUpdate("rg-t", { location: "westeurope" });
    await client.resourceGroups.get("rg-t");
    // The next read is throttled; once the simulator has answered 429, a second of virtual time refills the bucket.
    const throttled = new Promise<void>((resolve) => {
      f.sim.kernel.stats.on("response", (r) => { if (r.status === 429) resolve(); });
    });
    const read = client.resourceGroups.get("rg-t");
    await throttled;
    await f.clock.advance(1000);
    const rg = await read;
    expect(rg.name).toBe("rg-t");
    expect(f.sim.kernel.stats.count("ResourceGroups_Get", 429)).toBe(1);
    expect(f.sim.kernel.stats.count("ResourceGroups_Get", 200)).toBe(2);
  });

  it("throttles on an injected throttle fault, and GET /_sim/stats counts by operation and status", async () => {
    f = await startFixture();
    const client = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await f.raw("POST", "/_sim/faults", { kind: "throttle", target: SUBSCRIPTION, count: 1, retryAfterSeconds: 0 });
    await client.resourceGroups.createOrUpdate("rg-f", { location: "westeurope" });
    const stats = await f.raw("GET", "/_sim/stats");
    expect(stats.body).toMatchObject({ operations: { ResourceGroups_CreateOrUpdate: { "429": 1, "201": 1 } }, throttled: 1 });
  });
});
