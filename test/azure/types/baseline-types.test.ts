import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { settled, startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";

const TENANT = "00000000-0000-0000-0000-000000000000";
const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-t`;

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RestError) return err.code;
    throw err;
  }
  return "no error";
}

describe("the baseline's resource types through their real SDK clients", () => {
  let f: SimFixture;
  let net: NetworkManagementClient;
  /** Starts a long-running PUT, completes it on the virtual clock, returns the result. */
  const done = async <T>(begin: Promise<{ pollUntilDone(): Promise<T> }>): Promise<T> => {
    const poller = await begin;
    await f.clock.advance(30 * 60_000);
    return poller.pollUntilDone();
  };
  const opts = { updateIntervalInMs: 0 };
  beforeEach(async () => {
    f = await startFixture();
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-t", { location: "westeurope" });
    net = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
  });
  afterEach(async () => { await f.close(); });

  it("runs a VNet PUT as a long-running operation (Updating → Succeeded) and keeps subnets as child resources in sync", async () => {
    const poller = await net.virtualNetworks.beginCreateOrUpdate("rg-t", "vnet-hub", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.200.0.0/24"] }, subnets: [{ name: "AzureFirewallSubnet", addressPrefix: "10.200.0.0/26" }]
    }, opts);
    expect((await net.virtualNetworks.get("rg-t", "vnet-hub")).provisioningState).toBe("Updating");
    await f.clock.advance(60_000);
    const vnet = await poller.pollUntilDone();
    expect([vnet.provisioningState, vnet.etag?.startsWith("W/\"")]).toEqual(["Succeeded", true]);
    await done(net.subnets.beginCreateOrUpdate("rg-t", "vnet-hub", "AzureBastionSubnet", { addressPrefix: "10.200.0.64/26" }, opts));
    expect((await net.virtualNetworks.get("rg-t", "vnet-hub")).subnets?.map((s) => s.name)).toEqual(["AzureFirewallSubnet", "AzureBastionSubnet"]);
    const listed = [];
    for await (const s of net.subnets.list("rg-t", "vnet-hub")) listed.push(s.name);
    expect(listed).toEqual(["AzureFirewallSubnet", "AzureBastionSubnet"]);
    await done(net.subnets.beginDelete("rg-t", "vnet-hub", "AzureBastionSubnet", opts));
    expect((await net.virtualNetworks.get("rg-t", "vnet-hub")).subnets?.map((s) => s.name)).toEqual(["AzureFirewallSubnet"]);
    await done(net.virtualNetworks.beginDelete("rg-t", "vnet-hub", opts));
    await expect(net.virtualNetworks.get("rg-t", "vnet-hub")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("applies Network's address rules: NetcfgSubnetRangeOutsideVnet, NetcfgSubnetRangesOverlap, InvalidCIDRNotation", async () => {
    const vnet = (subnets: { name: string; addressPrefix: string }[]) => net.virtualNetworks.beginCreateOrUpdate("rg-t", "vn", { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets }, opts);
    expect(await code(vnet([{ name: "a", addressPrefix: "10.1.0.0/24" }]))).toBe("NetcfgSubnetRangeOutsideVnet");
    expect(await code(vnet([{ name: "a", addressPrefix: "10.0.0.0/24" }, { name: "b", addressPrefix: "10.0.0.128/25" }]))).toBe("NetcfgSubnetRangesOverlap");
    expect(await code(vnet([{ name: "a", addressPrefix: "10.0.3.5/24" }]))).toBe("InvalidCIDRNotation");
    expect(await code(net.virtualNetworks.beginCreateOrUpdate("rg-t", "x", { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, opts))).toBe("InvalidResourceName");
  });

  it("peers two VNets (Initiated, then Connected on both sides) and refuses overlapping address spaces (VnetAddressSpacesOverlap)", async () => {
    const hub = await done(net.virtualNetworks.beginCreateOrUpdate("rg-t", "hub", { location: "westeurope", addressSpace: { addressPrefixes: ["10.200.0.0/24"] } }, opts));
    const spoke = await done(net.virtualNetworks.beginCreateOrUpdate("rg-t", "spoke", { location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] } }, opts));
    const clash = await done(net.virtualNetworks.beginCreateOrUpdate("rg-t", "clash", { location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/24"] } }, opts));
    const one = await done(net.virtualNetworkPeerings.beginCreateOrUpdate("rg-t", "spoke", "to-hub", { remoteVirtualNetwork: { id: hub.id } }, opts));
    expect(one.peeringState).toBe("Initiated");
    await done(net.virtualNetworkPeerings.beginCreateOrUpdate("rg-t", "hub", "to-spoke", { remoteVirtualNetwork: { id: spoke.id } }, opts));
    expect((await net.virtualNetworkPeerings.get("rg-t", "spoke", "to-hub")).peeringState).toBe("Connected");
    expect((await net.virtualNetworks.get("rg-t", "hub")).virtualNetworkPeerings?.[0]?.peeringState).toBe("Connected");
    expect(await code(net.virtualNetworkPeerings.beginCreateOrUpdate("rg-t", "spoke", "to-clash", { remoteVirtualNetwork: { id: clash.id } }, opts))).toBe("VnetAddressSpacesOverlap");
  });

  it("gives the firewall its private IP and requires AzureFirewallSubnet (exact name, /26) and Standard public IPs", async () => {
    const vnet = await done(net.virtualNetworks.beginCreateOrUpdate("rg-t", "hub", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.200.0.0/24"] },
      subnets: [{ name: "AzureFirewallSubnet", addressPrefix: "10.200.0.0/26" }, { name: "other", addressPrefix: "10.200.0.64/26" }]
    }, opts));
    const pip = await done(net.publicIPAddresses.beginCreateOrUpdate("rg-t", "pip-fw", { location: "westeurope", sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, opts));
    const basic = await done(net.publicIPAddresses.beginCreateOrUpdate("rg-t", "pip-basic", { location: "westeurope", sku: { name: "Basic" } }, opts));
    const fw = (subnet: string, ip: string | undefined) => net.azureFirewalls.beginCreateOrUpdate("rg-t", "fw", {
      location: "westeurope", ipConfigurations: [{ name: "cfg", subnet: { id: `${vnet.id}/subnets/${subnet}` }, publicIPAddress: { id: ip } }]
    }, opts);
    expect(await code(fw("other", pip.id))).toBe("AzureFirewallSubnetMustBeNamedAzureFirewallSubnet");
    expect(await code(fw("AzureFirewallSubnet", basic.id))).toBe("PublicIPAddressSkuMustBeStandard");
    const created = await done(fw("AzureFirewallSubnet", pip.id));
    expect(created.ipConfigurations?.[0]?.privateIPAddress).toBe("10.200.0.4");
    expect(await code(net.publicIPAddresses.beginDelete("rg-t", "pip-fw", opts))).toBe("PublicIPAddressInUse");
  });

  it("refuses to delete an NSG or route table a subnet uses, and a subnet a private endpoint uses", async () => {
    const nsg = await done(net.networkSecurityGroups.beginCreateOrUpdate("rg-t", "nsg", { location: "westeurope", securityRules: [] }, opts));
    const rt = await done(net.routeTables.beginCreateOrUpdate("rg-t", "rt", { location: "westeurope", routes: [] }, opts));
    expect(nsg.defaultSecurityRules?.map((r) => r.name)).toContain("DenyAllInBound");
    const vnet = await done(net.virtualNetworks.beginCreateOrUpdate("rg-t", "spoke", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] },
      subnets: [{ name: "pe", addressPrefix: "10.240.4.32/28", networkSecurityGroup: { id: nsg.id }, routeTable: { id: rt.id } }]
    }, opts));
    expect(await code(net.networkSecurityGroups.beginDelete("rg-t", "nsg", opts))).toBe("InUseNetworkSecurityGroupCannotBeDeleted");
    expect(await code(net.routeTables.beginDelete("rg-t", "rt", opts))).toBe("InUseRouteTableCannotBeDeleted");
    const acr = new ContainerRegistryManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const basic = await settled(f, acr.registries.create("rg-t", "acrbasic01", { location: "westeurope", sku: { name: "Basic" } }, opts)) as unknown as { id: string; loginServer: string };
    expect(basic.loginServer).toBe("acrbasic01.azurecr.io");
    const pe = (target: string) => net.privateEndpoints.beginCreateOrUpdate("rg-t", "pe-acr", {
      location: "westeurope", subnet: { id: `${vnet.id}/subnets/pe` }, privateLinkServiceConnections: [{ name: "c", privateLinkServiceId: target, groupIds: ["registry"] }]
    }, opts);
    expect(await code(pe(basic.id))).toBe("PrivateEndpointNotSupportedForSku");
    const premium = await settled(f, acr.registries.create("rg-t", "acrpremium01", { location: "westeurope", sku: { name: "Premium" }, publicNetworkAccess: "Disabled" }, opts)) as unknown as { id: string };
    const endpoint = await done(pe(premium.id));
    expect(endpoint.customDnsConfigs?.[0]).toEqual({ fqdn: "acrpremium01.azurecr.io", ipAddresses: ["10.240.4.36"] });
    expect(await code(net.subnets.beginDelete("rg-t", "spoke", "pe", opts))).toBe("InUseSubnetCannotBeDeleted");
  });

  it("ACR: loginServer, Premium-only features (DisablingPublicNetworkAccessNotSupported), global names (AlreadyInUse)", async () => {
    const acr = new ContainerRegistryManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    expect(await code(acr.registries.create("rg-t", "acrstd01", { location: "westeurope", sku: { name: "Standard" }, publicNetworkAccess: "Disabled" }, opts))).toBe("DisablingPublicNetworkAccessNotSupported");
    await settled(f, acr.registries.create("rg-t", "acrtaken01", { location: "westeurope", sku: { name: "Basic" } }, opts));
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-u", { location: "westeurope" });
    expect(await code(acr.registries.create("rg-u", "acrtaken01", { location: "westeurope", sku: { name: "Basic" } }, opts))).toBe("AlreadyInUse");
    expect(await code(acr.registries.create("rg-t", "bad-name", { location: "westeurope", sku: { name: "Basic" } }, opts))).toBe("RegistryNameInvalid");
  });

  it("Key Vault: vaultUri, VaultNameNotValid, VaultAlreadyExists", async () => {
    const kv = new KeyVaultManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const props = { tenantId: TENANT, sku: { family: "A" as const, name: "standard" as const }, enableRbacAuthorization: true };
    const vault = await settled(f, kv.vaults.createOrUpdate("rg-t", "kv-aks-01", { location: "westeurope", properties: props }, opts)) as unknown as { properties: { vaultUri: string } };
    expect(vault.properties.vaultUri).toBe("https://kv-aks-01.vault.azure.net/");
    expect(await code(kv.vaults.createOrUpdate("rg-t", "kv--double", { location: "westeurope", properties: props }, opts))).toBe("VaultNameNotValid");
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-u", { location: "westeurope" });
    expect(await code(kv.vaults.createOrUpdate("rg-u", "kv-aks-01", { location: "westeurope", properties: props }, opts))).toBe("VaultAlreadyExists");
  });

  it("identities and role assignments: principalId/clientId, PrincipalNotFound, RoleAssignmentExists; workspaces get a customerId", async () => {
    const msi = new ManagedServiceIdentityClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const id = await msi.userAssignedIdentities.createOrUpdate("rg-t", "mi-controlplane", { location: "westeurope" });
    expect(id.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const auth = new AuthorizationManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const role = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`;
    expect(await code(auth.roleAssignments.create(RG, "11111111-1111-1111-1111-111111111111", { roleDefinitionId: role, principalId: "22222222-2222-2222-2222-222222222222" }))).toBe("PrincipalNotFound");
    const ra = await auth.roleAssignments.create(RG, "11111111-1111-1111-1111-111111111111", { roleDefinitionId: role, principalId: id.principalId ?? "" });
    expect(ra.scope).toBe(RG);
    expect(await code(auth.roleAssignments.create(RG, "33333333-3333-3333-3333-333333333333", { roleDefinitionId: role, principalId: id.principalId ?? "" }))).toBe("RoleAssignmentExists");
    expect(await code(auth.roleAssignments.create(RG, "not-a-guid", { roleDefinitionId: role, principalId: id.principalId ?? "" }))).toBe("InvalidRoleAssignmentId");
    const la = new OperationalInsightsManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const ws = await settled(f, la.workspaces.createOrUpdate("rg-t", "la-aks", { location: "westeurope", sku: { name: "PerGB2018" }, retentionInDays: 30 }, opts)) as unknown as { customerId: string };
    expect(ws.customerId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("fails the next create under a createFailure fault, leaving the resource Failed", async () => {
    const id = `${RG}/providers/Microsoft.Network/routeTables/rt-broken`;
    await f.raw("POST", "/_sim/faults", { kind: "createFailure", target: id, code: "InternalServerError", count: 1 });
    const poller = await net.routeTables.beginCreateOrUpdate("rg-t", "rt-broken", { location: "westeurope", routes: [] }, opts);
    await f.clock.advance(60_000);
    await expect(poller.pollUntilDone()).rejects.toThrow(/InternalServerError|provisioning/);
    expect((await net.routeTables.get("rg-t", "rt-broken")).provisioningState).toBe("Failed");
    const again = await done(net.routeTables.beginCreateOrUpdate("rg-t", "rt-broken", { location: "westeurope", routes: [] }, opts));
    expect(again.provisioningState).toBe("Succeeded");
  });
});
