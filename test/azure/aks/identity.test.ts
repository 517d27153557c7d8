/**
 * Issue 26 items 5 and 6: AKS checks the cluster's identities and what they may do before it
 * creates anything (sources: local/azure/aks/identity-checks.ts, per rule below).
 */
import type { ContainerServiceClient, ManagedCluster } from "@azure/arm-containerservice";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { rejection, startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

describe("AKS create checks its identities (issue 26 items 5, 6)", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  let network: NetworkManagementClient;
  let auth: AuthorizationManagementClient;
  let msi: ManagedServiceIdentityClient;
  const rgId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-i`;
  let identityId = "";
  let principalId = "";
  let vnetId = "";
  let guid = 0;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    network = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    auth = new AuthorizationManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    msi = new ManagedServiceIdentityClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await createResourceGroup(f, "rg-i");
    const mi = await msi.userAssignedIdentities.createOrUpdate("rg-i", "mi-cp", { location: "westeurope" });
    identityId = mi.id ?? "";
    principalId = mi.principalId ?? "";
    const rt = await put(network.routeTables.beginCreateOrUpdate("rg-i", "rt", { location: "westeurope", routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.200.0.4" }] }, { updateIntervalInMs: 0 }));
    const vnet = await put(network.virtualNetworks.beginCreateOrUpdate("rg-i", "vnet", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] },
      subnets: [{ name: "nodes", addressPrefix: "10.240.0.0/22", routeTable: { id: rt.id } }, { name: "apiserver", addressPrefix: "10.240.4.0/28" }]
    }, { updateIntervalInMs: 0 }));
    vnetId = vnet.id ?? "";
  });
  afterEach(async () => { await f.close(); });

  async function put<T>(p: Promise<{ pollUntilDone(): Promise<T> }>): Promise<T> {
    const poller = await p;
    await f.clock.advance(10 * 60_000);
    return poller.pollUntilDone();
  }
  const grant = async (scope: string, role: string, principal = principalId) => {
    guid += 1;
    const name = `00000000-0000-4000-8000-${String(guid).padStart(12, "0")}`;
    await auth.roleAssignments.create(scope, name, { roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: principal, principalType: "ServicePrincipal" });
  };
  const create = (name: string, spec: ManagedCluster) => client.managedClusters.beginCreateOrUpdate("rg-i", name, spec, { updateIntervalInMs: 0 });
  /** A cluster on the custom VNet (Azure CNI overlay, UDR) with the user-assigned control-plane identity. */
  const onVnet = (extra: Partial<ManagedCluster> = {}): ManagedCluster => {
    const s: ManagedCluster = {
      ...clusterSpec("1.35.4"),
      identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } },
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "userDefinedRouting", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" },
      ...extra
    };
    for (const p of s.agentPoolProfiles ?? []) p.vnetSubnetID = `${vnetId}/subnets/nodes`;
    return s;
  };

  it("refuses a user-assigned key that is not an identity id (LinkedInvalidPropertyId) and one that does not exist (FailedIdentityOperation)", async () => {
    // ARM's wording for a property that is not a resource id: Azure/azure-cli-extensions#1187.
    const notId = await rejection(create("aks-a", { ...clusterSpec("1.35.4"), identity: { type: "UserAssigned", userAssignedIdentities: { "mi-cp": {} } } }));
    expect(notId).toMatchObject({ status: 400, code: "LinkedInvalidPropertyId" });
    expect(notId.message).toContain("Property id 'mi-cp' at path 'identity.userAssignedIdentities' is invalid");
    // The identity service's NotFound inside ARM's FailedIdentityOperation (Azure/azure-cli#31837).
    const missing = `${rgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-none`;
    const gone = await rejection(create("aks-b", { ...clusterSpec("1.35.4"), identity: { type: "UserAssigned", userAssignedIdentities: { [missing]: {} } } }));
    expect(gone).toMatchObject({ status: 400, code: "FailedIdentityOperation" });
    expect(gone.message).toContain(`Resource '${missing}' does not exist`);
    // Nothing was written.
    expect((await f.raw("GET", `${rgId}/providers/Microsoft.ContainerService/managedClusters/aks-b?api-version=2026-06-01`, undefined, { authorization: "Bearer t" })).status).toBe(404);
    const ok = await createCluster(f, "rg-i", "aks-c", { ...clusterSpec("1.35.4"), identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } } });
    expect(Object.keys(ok.identity?.userAssignedIdentities ?? {})).toEqual([identityId]);
  });

  it("needs Network Contributor (subnets/join/action) on every subnet the cluster names for its control-plane identity (LinkedAuthorizationFailed)", async () => {
    // learn.microsoft.com/azure/aks/configure-azure-cni prerequisites; MicrosoftDocs/azure-aks-docs#110 for the message.
    const denied = await rejection(create("aks-n", onVnet()));
    expect(denied).toMatchObject({ status: 403, code: "LinkedAuthorizationFailed" });
    expect(denied.message).toBe(`The client '${principalId}' with object id '${principalId}' does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '${vnetId}/subnets/nodes' or the linked scope(s) are invalid.`);
    // A role that does not carry the action (Reader) is not enough.
    await grant(`${vnetId}/subnets/nodes`, READER);
    expect((await rejection(create("aks-n", onVnet()))).code).toBe("LinkedAuthorizationFailed");
    await grant(`${vnetId}/subnets/nodes`, NETWORK_CONTRIBUTOR);
    // The API server's VNet-integration subnet is checked as well.
    const api = onVnet({ apiServerAccessProfile: { enableVnetIntegration: true, subnetId: `${vnetId}/subnets/apiserver` } });
    expect((await rejection(create("aks-n", api))).message).toContain(`'${vnetId}/subnets/apiserver'`);
    // A grant on a parent scope (the VNet) covers its subnets.
    await grant(vnetId, NETWORK_CONTRIBUTOR);
    expect((await createCluster(f, "rg-i", "aks-n", api)).provisioningState).toBe("Succeeded");
  });

  it("needs write on a BYO private DNS zone (CustomPrivateDNSZoneMissingPermissionError)", async () => {
    await grant(vnetId, NETWORK_CONTRIBUTOR);
    const rm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const zoneId = `${rgId}/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`;
    await put(rm.resources.beginCreateOrUpdateById(zoneId, "2024-06-01", { location: "global" }, { updateIntervalInMs: 0 }));
    const spec = onVnet({ apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: zoneId } });
    // Azure/Azure-Landing-Zones#2892 (the message), Azure/AKS#3470.
    const err = await rejection(create("aks-p", spec));
    expect(err).toMatchObject({ status: 400, code: "CustomPrivateDNSZoneMissingPermissionError" });
    expect(err.message).toBe(`Service principal or user-assigned identity must be given permission to read and write to custom private dns zone ${zoneId}. Check access result not allowed for action Microsoft.Network/privateDnsZones/write.`);
    await grant(zoneId, PRIVATE_DNS_ZONE_CONTRIBUTOR);
    expect((await createCluster(f, "rg-i", "aks-p", spec)).provisioningState).toBe("Succeeded");
  });

  it("kubenet with a BYO route table: refused for a system-assigned identity, needs routeTables/write for a user-assigned one", async () => {
    const kubenet = (identity: ManagedCluster["identity"]): ManagedCluster => onVnet({ identity, networkProfile: { networkPlugin: "kubenet", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" } });
    // aka.ms/aks/customrt; Azure/AKS#1591.
    const system = await rejection(create("aks-k", kubenet({ type: "SystemAssigned" })));
    expect(system).toMatchObject({ status: 400, code: "CustomRouteTableWithUnsupportedMSIType" });
    await grant(`${vnetId}/subnets/nodes`, NETWORK_CONTRIBUTOR);
    const rtId = `${rgId}/providers/Microsoft.Network/routeTables/rt`;
    const user = await rejection(create("aks-k", kubenet({ type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } })));
    expect(user).toMatchObject({ status: 403, code: "LinkedAuthorizationFailed" });
    expect(user.message).toContain(`'Microsoft.Network/routeTables/write' on the linked scope(s) '${rtId}'`);
    await grant(rtId, NETWORK_CONTRIBUTOR);
    expect((await createCluster(f, "rg-i", "aks-k", kubenet({ type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } }))).provisioningState).toBe("Succeeded");
  });

  it("refuses workload identity without the OIDC issuer, at create and at update", async () => {
    // learn.microsoft.com/azure/aks/workload-identity-deploy-cluster; Azure/terraform-azurerm-aks#377.
    const err = await rejection(create("aks-w", { ...clusterSpec("1.35.4"), securityProfile: { workloadIdentity: { enabled: true } } }));
    expect(err).toMatchObject({ status: 400, code: "InvalidParameter" });
    expect(err.message).toContain("securityProfile.workloadIdentity");
    const ok = await createCluster(f, "rg-i", "aks-w", { ...clusterSpec("1.35.4"), oidcIssuerProfile: { enabled: true }, securityProfile: { workloadIdentity: { enabled: true } } });
    expect(ok.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\//);
    const off = await rejection(create("aks-w", { ...clusterSpec("1.35.4"), oidcIssuerProfile: { enabled: false } }));
    expect(off.message).toContain("requires enabling the OIDC issuer");
  });

  it("refuses a diskEncryptionSetID that is not an id (LinkedInvalidPropertyId) or names no disk encryption set", async () => {
    // Azure/azure-cli-extensions#1187 (verbatim), Azure/azure-cli#18355.
    const bad = await rejection(create("aks-d", { ...clusterSpec("1.35.4"), diskEncryptionSetID: "des-1" }));
    expect(bad).toMatchObject({ status: 400, code: "LinkedInvalidPropertyId" });
    expect(bad.message).toBe("Property id 'des-1' at path 'properties.diskEncryptionSetID' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.");
    const desId = `${rgId}/providers/Microsoft.Compute/diskEncryptionSets/des-1`;
    const missing = await rejection(create("aks-d", { ...clusterSpec("1.35.4"), diskEncryptionSetID: desId }));
    expect(missing).toMatchObject({ status: 400, code: "BadRequest", message: `DiskEncryptionSet '${desId}' was not found.` });
    const rm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await put(rm.resources.beginCreateOrUpdateById(desId, "2024-03-02", { location: "westeurope", properties: { encryptionType: "EncryptionAtRestWithCustomerKey" } }, { updateIntervalInMs: 0 }));
    expect((await createCluster(f, "rg-i", "aks-d", { ...clusterSpec("1.35.4"), diskEncryptionSetID: desId })).diskEncryptionSetID).toBe(desId);
  });
});
