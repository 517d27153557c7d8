import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startFixture, SUBSCRIPTION, type SimFixture } from "./sim-fixture";

describe("generic ARM resources", () => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await startFixture();
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-net", { location: "westeurope" });
  });
  afterEach(async () => { await f.close(); });

  it("creates a virtual network and its subnets with @azure/arm-network, stored as sent with provisioningState Succeeded", async () => {
    const network = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait("rg-net", "vnet-hub", {
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.200.0.0/24"] },
      tags: { role: "hub" }
    }, { updateIntervalInMs: 0 });
    expect(vnet.provisioningState).toBe("Succeeded");
    expect(vnet.addressSpace?.addressPrefixes).toEqual(["10.200.0.0/24"]);
    expect(vnet.id).toBe(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub`);

    for (const [name, prefix] of [["AzureFirewallSubnet", "10.200.0.0/26"], ["GatewaySubnet", "10.200.0.64/27"]] as const) {
      const subnet = await network.subnets.beginCreateOrUpdateAndWait("rg-net", "vnet-hub", name, { addressPrefix: prefix }, { updateIntervalInMs: 0 });
      expect(subnet.addressPrefix).toBe(prefix);
    }
    const subnets = [];
    for await (const s of network.subnets.list("rg-net", "vnet-hub")) subnets.push(s.name);
    expect(subnets).toEqual(["AzureFirewallSubnet", "GatewaySubnet"]);

    const got = await network.virtualNetworks.get("RG-NET", "VNET-HUB");
    expect(got.tags).toEqual({ role: "hub" });
    await expect(network.subnets.beginCreateOrUpdateAndWait("rg-net", "vnet-missing", "s", { addressPrefix: "10.0.0.0/24" }, { updateIntervalInMs: 0 }))
      .rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });

    await network.virtualNetworks.beginDeleteAndWait("rg-net", "vnet-hub", { updateIntervalInMs: 0 });
    await expect(network.virtualNetworks.get("rg-net", "vnet-hub")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("lists top-level resources of a group and publishes ResourceWriteSuccess to the group's topic", async () => {
    const resources = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.KeyVault/vaults/kv-aks`;
    const put = await f.raw("PUT", `${id}?api-version=2023-07-01`, { location: "westeurope", properties: { tenantId: "t", sku: { family: "A", name: "standard" } } }, { authorization: "Bearer t" });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id, name: "kv-aks", type: "Microsoft.KeyVault/vaults", properties: { provisioningState: "Succeeded", sku: { name: "standard" } } });
    const listed = [];
    for await (const r of resources.resources.listByResourceGroup("rg-net")) listed.push([r.name, r.type]);
    expect(listed).toEqual([["kv-aks", "Microsoft.KeyVault/vaults"]]);
    const write = f.sim.kernel.events.ofType("Microsoft.Resources.ResourceWriteSuccess").find((e) => e.subject === id);
    expect(write).toMatchObject({ topic: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net`, data: { resourceUri: id, operationName: "Microsoft.KeyVault/vaults/write", status: "Succeeded" } });
  });

  it("stores extension resources on a resource and subscription-scope resources, and reports providers as registered", async () => {
    const auth = { authorization: "Bearer t" };
    const vault = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.KeyVault/vaults/kv-ext`;
    const assignment = `${vault}/providers/Microsoft.Authorization/roleAssignments/11111111-1111-1111-1111-111111111111`;
    const body = { properties: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6", principalId: "p" } };
    expect((await f.raw("PUT", `${assignment}?api-version=2022-04-01`, body, auth)).status).toBe(404);
    await f.raw("PUT", `${vault}?api-version=2023-07-01`, { location: "westeurope", properties: {} }, auth);
    const created = await f.raw("PUT", `${assignment}?api-version=2022-04-01`, body, auth);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: assignment, type: "Microsoft.Authorization/roleAssignments", properties: { principalId: "p" } });
    const listed = await f.raw("GET", `${vault}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`, undefined, auth);
    expect((listed.body as { value: { id: string }[] }).value.map((r) => r.id)).toEqual([assignment]);

    const policy = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/policyAssignments/aks-baseline`;
    expect((await f.raw("PUT", `${policy}?api-version=2023-04-01`, { properties: { displayName: "AKS baseline" } }, auth)).status).toBe(201);
    expect((await f.raw("GET", `${policy}?api-version=2023-04-01`, undefined, auth)).body).toMatchObject({ name: "aks-baseline" });

    const provider = await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).providers.get("Microsoft.ContainerService");
    expect(provider.registrationState).toBe("Registered");
  });
});
