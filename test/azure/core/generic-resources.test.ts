import { ResourceManagementClient } from "@azure/arm-resources";
import { startFixture, SUBSCRIPTION, type SimFixture } from "./sim-fixture";

/** Types the simulator does not model are stored as sent (the baseline's types are modelled: see test/azure/types). */
describe("generic ARM resources", () => {
  let f: SimFixture;
  const auth = { authorization: "Bearer t" };
  beforeEach(async () => {
    f = await startFixture();
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-net", { location: "westeurope" });
  });
  afterEach(async () => { await f.close(); });

  it("stores an unmodelled type as sent, lists it and publishes ResourceWriteSuccess to the group's topic", async () => {
    const resources = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Storage/storageAccounts/stlogs`;
    const put = await f.raw("PUT", `${id}?api-version=2023-05-01`, { location: "westeurope", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} }, auth);
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id, name: "stlogs", type: "Microsoft.Storage/storageAccounts", properties: { provisioningState: "Succeeded" } });
    const listed = [];
    for await (const r of resources.resources.listByResourceGroup("rg-net")) listed.push([r.name, r.type]);
    expect(listed).toEqual([["stlogs", "Microsoft.Storage/storageAccounts"]]);
    const write = f.sim.kernel.events.ofType("Microsoft.Resources.ResourceWriteSuccess").find((e) => e.subject === id);
    expect(write).toMatchObject({ topic: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net`, data: { resourceUri: id, operationName: "Microsoft.Storage/storageAccounts/write", status: "Succeeded" } });
    expect((await f.raw("DELETE", `${id}?api-version=2023-05-01`, undefined, auth)).status).toBe(200);
  });

  it("stores unmodelled extension and subscription-scope resources, and reports providers as registered", async () => {
    const account = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Storage/storageAccounts/stext`;
    const lock = `${account}/providers/Microsoft.Authorization/locks/no-delete`;
    expect((await f.raw("PUT", `${lock}?api-version=2020-05-01`, { properties: { level: "CanNotDelete" } }, auth)).status).toBe(404);
    await f.raw("PUT", `${account}?api-version=2023-05-01`, { location: "westeurope", properties: {} }, auth);
    expect((await f.raw("PUT", `${lock}?api-version=2020-05-01`, { properties: { level: "CanNotDelete" } }, auth)).status).toBe(201);
    const listed = await f.raw("GET", `${account}/providers/Microsoft.Authorization/locks?api-version=2020-05-01`, undefined, auth);
    expect((listed.body as { value: { id: string }[] }).value.map((r) => r.id)).toEqual([lock]);
    // (Policy definitions are modelled now, arm-types/policy.ts: a subscription-scope type nobody models stands in.)
    const def = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/pricings/Containers`;
    expect((await f.raw("PUT", `${def}?api-version=2024-01-01`, { properties: { pricingTier: "Standard" } }, auth)).status).toBe(201);
    expect((await f.raw("GET", `${def}?api-version=2024-01-01`, undefined, auth)).body).toMatchObject({ name: "Containers" });
    const provider = await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).providers.get("Microsoft.ContainerService");
    expect(provider.registrationState).toBe("Registered");
  });
});
