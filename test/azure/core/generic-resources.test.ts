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
});
