/**
 * Issue 26 item 8: the managed cluster and agent pool as the 2026-06-01 examples answer them
 * (Azure/azure-rest-api-specs, specification/containerservice/.../aks/stable/2026-06-01/examples).
 */
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

describe("AKS response shapes (issue 26 item 8)", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-s");
  });
  afterEach(async () => { await f.close(); });

  it("unset networkPlugin is kubenet with podCidr; a standard load balancer reports its ports and idle timeout (ManagedClustersCreate_PrivateClusterPublicFQDN.json)", async () => {
    const mc = await createCluster(f, "rg-s", "aks-lb", clusterSpec("1.35.4"));
    expect([mc.networkProfile?.networkPlugin, mc.networkProfile?.podCidr, mc.networkProfile?.podCidrs]).toEqual(["kubenet", "10.244.0.0/16", ["10.244.0.0/16"]]);
    const lb = mc.networkProfile?.loadBalancerProfile;
    expect([typeof lb?.allocatedOutboundPorts, typeof lb?.idleTimeoutInMinutes, lb?.effectiveOutboundIPs?.length]).toEqual(["number", "number", 1]);
  });

  it("a private cluster reports privateFQDN and privateDNSZone system (ManagedClustersCreate_PrivateClusterPublicFQDN.json)", async () => {
    const mc = await createCluster(f, "rg-s", "aks-priv", { ...clusterSpec("1.35.4"), apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFqdn: true } });
    expect(mc.apiServerAccessProfile?.privateDNSZone).toBe("system");
    expect(mc.privateFqdn).toMatch(/^test-[0-9a-f]{8}\.[0-9a-f-]{36}\.privatelink\.westeurope\.azmk8s\.io$/);
    const pub = await createCluster(f, "rg-s", "aks-pub", clusterSpec("1.35.4"));
    expect([pub.privateFqdn, pub.apiServerAccessProfile?.privateDNSZone]).toEqual([undefined, undefined]);
  });

  it("an AKS-managed NAT gateway reports its outbound IPs and idle timeout (ManagedClustersCreate_ManagedNATGateway.json)", async () => {
    const mc = await createCluster(f, "rg-s", "aks-nat", { ...clusterSpec("1.35.4"), networkProfile: { loadBalancerSku: "standard", outboundType: "managedNATGateway", natGatewayProfile: { managedOutboundIPProfile: { count: 2 } } } });
    const nat = mc.networkProfile?.natGatewayProfile;
    expect([nat?.effectiveOutboundIPs?.length, nat?.idleTimeoutInMinutes, nat?.managedOutboundIPProfile?.count]).toEqual([2, 4, 2]);
    expect(nat?.effectiveOutboundIPs?.[0]?.id).toMatch(/\/resourceGroups\/MC_rg-s_aks-nat_westeurope\/providers\/Microsoft\.Network\/publicIPAddresses\//);
  });

  it("a managed-identity cluster reports servicePrincipalProfile.clientId msi", async () => {
    const msi = new ManagedServiceIdentityClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const mi = await msi.userAssignedIdentities.createOrUpdate("rg-s", "mi-cp", { location: "westeurope" });
    const ua = await createCluster(f, "rg-s", "aks-ua", { ...clusterSpec("1.35.4"), identity: { type: "UserAssigned", userAssignedIdentities: { [mi.id ?? ""]: {} } } });
    const sa = await createCluster(f, "rg-s", "aks-sa", { ...clusterSpec("1.35.4"), identity: { type: "SystemAssigned" } });
    expect([ua.servicePrincipalProfile?.clientId, sa.servicePrincipalProfile?.clientId]).toEqual(["msi", "msi"]);
  });

  it("Spot pools report spotMaxPrice -1 (AgentPoolsCreate_Spot.json); VirtualMachines pools their nodes per size (AgentPoolsCreate_TypeVirtualMachines_Autoscale.json)", async () => {
    await createCluster(f, "rg-s", "aks-p", clusterSpec("1.35.4"));
    const spot = await client.agentPools.beginCreateOrUpdate("rg-s", "aks-p", "spot", { count: 3, vmSize: "Standard_D2s_v5", mode: "User", scaleSetPriority: "Spot" }, { updateIntervalInMs: 0 });
    await f.clock.advance(60 * 60_000);
    const s = await spot.pollUntilDone();
    expect([s.spotMaxPrice, s.scaleSetEvictionPolicy]).toEqual([-1, "Delete"]);
    const vms = await client.agentPools.beginCreateOrUpdate("rg-s", "aks-p", "vms", { typePropertiesType: "VirtualMachines", mode: "User", virtualMachinesProfile: { scale: { autoscale: [{ size: "Standard_D2_v2", minCount: 1, maxCount: 5 }] } } }, { updateIntervalInMs: 0 });
    await f.clock.advance(60 * 60_000);
    expect((await vms.pollUntilDone()).virtualMachineNodesStatus).toEqual([{ size: "Standard_D2_v2", count: 1 }]);
  });
});
