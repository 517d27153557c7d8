import { ResourceManagementClient } from "@azure/arm-resources";
import { startFixture, SUBSCRIPTION, type SimFixture } from "./sim-fixture";

describe("ARM protocol", () => {
  let f: SimFixture;
  beforeEach(async () => { f = await startFixture({ pageSize: 2 }); });
  afterEach(async () => { await f.close(); });

  it("requires a bearer token, then an api-version", async () => {
    const anonymous = await f.raw("GET", `/subscriptions/${SUBSCRIPTION}/resourcegroups?api-version=2021-04-01`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: "AuthenticationFailed", message: expect.stringContaining("Authorization") as unknown } });
    const noVersion = await f.raw("GET", `/subscriptions/${SUBSCRIPTION}/resourcegroups`, undefined, { authorization: "Bearer x" });
    expect(noVersion.status).toBe(400);
    expect((noVersion.body as { error: { code: string } }).error.code).toBe("MissingApiVersionParameter");
  });

  it("creates, reads case-insensitively, pages and deletes resource groups with the real SDK", async () => {
    const client = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    for (const name of ["rg-a", "rg-b", "rg-c"]) {
      const rg = await client.resourceGroups.createOrUpdate(name, { location: "westeurope", tags: { env: name } });
      expect(rg.properties?.provisioningState).toBe("Succeeded");
    }
    const got = await client.resourceGroups.get("RG-B");
    expect(got.name).toBe("rg-b");
    expect(got.tags).toEqual({ env: "rg-b" });
    const listed = [];
    for await (const rg of client.resourceGroups.list()) listed.push(rg.name);
    expect(listed).toEqual(["rg-a", "rg-b", "rg-c"]);
    expect(f.sim.kernel.stats.count("ResourceGroups_List", 200)).toBe(2); // two pages of 2 via nextLink

    // The SDK poller sleeps on wall time between polls, so the test polls by hand on virtual time.
    const deletion = await client.resourceGroups.beginDelete("rg-a", { updateIntervalInMs: 0 });
    await deletion.submitted();
    await deletion.poll();
    expect(deletion.isDone()).toBe(false);
    await f.clock.advance(60_000);
    await deletion.pollUntilDone();
    await expect(client.resourceGroups.get("rg-a")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });
});
