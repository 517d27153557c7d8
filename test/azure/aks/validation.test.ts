import type { ContainerServiceClient, ManagedCluster } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { rejection, startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

const AUTH = { authorization: "Bearer t" };
const API = "api-version=2026-06-01";

describe("AKS request validation (codes and AKS's flat envelope)", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  const rgId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-v`;
  const clusterPath = (name: string) => `${rgId}/providers/Microsoft.ContainerService/managedClusters/${name}`;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-v");
  });
  afterEach(async () => { await f.close(); });

  const create = (name: string, spec: ManagedCluster) => client.managedClusters.beginCreateOrUpdate("rg-v", name, spec, { updateIntervalInMs: 0 });
  const withNetwork = (networkProfile: ManagedCluster["networkProfile"]): ManagedCluster => ({ ...clusterSpec("1.35.4"), networkProfile });

  it("answers a malformed CIDR with CidrStringParseError in AKS's flat envelope", async () => {
    const res = await f.raw("PUT", `${clusterPath("aks-cidr")}?${API}`, { location: "westeurope", properties: { ...clusterSpec("1.35.4"), networkProfile: { serviceCidr: "10.0.0.0/33", dnsServiceIP: "10.0.0.10" } } }, AUTH);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: "CidrStringParseError", details: null, message: "Cidr 10.0.0.0/33 is invalid.", subcode: "", target: "networkProfile.serviceCIDR" });
    expect((await rejection(create("aks-cidr", withNetwork({ podCidr: "not-a-cidr", networkPluginMode: "overlay" })))).code).toBe("CidrStringParseError");
  });

  it("refuses a CIDR with host bits set, naming the network address", async () => {
    const err = await rejection(create("aks-host", withNetwork({ serviceCidr: "10.0.0.5/16", dnsServiceIP: "10.0.0.10" })));
    expect(err).toMatchObject({ status: 400, code: "InvalidParameter" });
    expect(err.message).toContain("did you mean 10.0.0.0/16");
  });

  it("refuses a service CIDR bigger than /12 and one in a reserved range", async () => {
    expect((await rejection(create("aks-big", withNetwork({ serviceCidr: "10.0.0.0/8", dnsServiceIP: "10.0.0.10" })))).message).toContain("smaller than /12");
    expect((await rejection(create("aks-res", withNetwork({ serviceCidr: "169.254.0.0/16", dnsServiceIP: "169.254.0.10" })))).message).toContain("reserved range 169.254.0.0/16");
  });

  it("requires dnsServiceIP inside serviceCidr and not its network or first address", async () => {
    const outside = await rejection(create("aks-dns", withNetwork({ serviceCidr: "172.16.0.0/16", dnsServiceIP: "10.0.0.10" })));
    expect(outside).toMatchObject({ status: 400, code: "InvalidParameter" });
    expect(outside.message).toContain("must be within the service CIDR 172.16.0.0/16");
    expect((await rejection(create("aks-dns0", withNetwork({ serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.0" })))).code).toBe("InvalidParameter");
  });

  it("refuses overlapping pod and service CIDRs", async () => {
    const err = await rejection(create("aks-ov", withNetwork({ networkPluginMode: "overlay", podCidr: "172.16.0.0/16", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" })));
    expect(err.message).toContain("overlaps service CIDR");
  });

  it("keeps maxPods within 10..250 and defaults it by network plugin (overlay 250, Azure CNI 30, kubenet 110)", async () => {
    const spec = clusterSpec("1.35.4");
    spec.agentPoolProfiles![0]!.maxPods = 500;
    expect((await rejection(create("aks-pods", spec))).message).toContain("maxPods 500 must be between 10 and 250");
    const overlay = await createCluster(f, "rg-v", "aks-overlay", withNetwork({ networkPlugin: "azure", networkPluginMode: "overlay" }));
    expect(overlay.agentPoolProfiles?.map((p) => p.maxPods)).toEqual([250, 250]);
    expect(overlay.networkProfile?.podCidrs).toEqual(["10.244.0.0/16"]);
    expect(overlay.networkProfile?.serviceCidrs).toEqual(["10.0.0.0/16"]);
    const cni = await createCluster(f, "rg-v", "aks-cni", withNetwork({ networkPlugin: "azure" }));
    expect(cni.agentPoolProfiles?.map((p) => p.maxPods)).toEqual([30, 30]);
    // No plugin: kubenet with podCidr 10.244.0.0/16 and 110 pods a node, as the 2026-06-01 examples
    // answer (ManagedClustersCreate_PrivateClusterPublicFQDN.json).
    const unset = await createCluster(f, "rg-v", "aks-unset", clusterSpec("1.35.4"));
    expect([unset.networkProfile?.networkPlugin, unset.networkProfile?.podCidr, unset.agentPoolProfiles?.map((p) => p.maxPods)]).toEqual(["kubenet", "10.244.0.0/16", [110, 110]]);
  });

  it("requires a System pool with at least one node", async () => {
    const noSystem = await rejection(create("aks-nosys", clusterSpec("1.35.4", [{ name: "user", count: 2, mode: "User" }])));
    expect(noSystem).toMatchObject({ status: 400, code: "MustDefineAtLeastOneSystemPool", message: "Must define at least one system pool." });
    const empty = await rejection(create("aks-zero", clusterSpec("1.35.4", [{ name: "system", count: 0, mode: "System" }])));
    expect(empty.message).toContain("agentPoolProfile.count was 0. It must be greater or equal to minCount:1");
  });

  it("refuses a count that is not an integer instead of storing a default", async () => {
    const res = await f.raw("PUT", `${clusterPath("aks-three")}?${API}`, {
      location: "westeurope", properties: { agentPoolProfiles: [{ name: "system", mode: "System", count: "three", vmSize: "Standard_D4ds_v5" }] }
    }, AUTH);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "InvalidRequestContent", target: "agentPoolProfile.count" });
    expect((await f.raw("GET", `${clusterPath("aks-three")}?${API}`, undefined, AUTH)).status).toBe(404);
  });

  it("validates the cluster name and dnsPrefix", async () => {
    expect((await rejection(create("-bad-name-", clusterSpec("1.35.4")))).message).toContain("Managed cluster name '-bad-name-'");
    expect((await rejection(create("a".repeat(64), clusterSpec("1.35.4")))).code).toBe("InvalidParameter");
    expect((await rejection(create("aks-dnsp", { ...clusterSpec("1.35.4"), dnsPrefix: "bad_prefix" }))).message).toContain("DNS prefix 'bad_prefix'");
  });

  it("requires vnetSubnetID to name an existing subnet", async () => {
    const spec = clusterSpec("1.35.4");
    spec.agentPoolProfiles![0]!.vnetSubnetID = `${rgId}/providers/Microsoft.Network/virtualNetworks/nope/subnets/nodes`;
    const err = await rejection(create("aks-sub", spec));
    expect(err).toMatchObject({ status: 400, code: "InvalidParameter" });
    expect(err.message).toContain("does not exist");
  });

  it("checks maxSurge's format and range on clusters and agent pools", async () => {
    const spec = clusterSpec("1.35.4", [{ name: "system", count: 3, mode: "System", maxSurge: "500%" }]);
    expect((await rejection(create("aks-surge", spec))).message).toContain("maxSurge '500%'");
    await createCluster(f, "rg-v", "aks-ok", clusterSpec("1.35.4"));
    const err = await rejection(client.agentPools.beginCreateOrUpdate("rg-v", "aks-ok", "extra", { count: 1, mode: "User", upgradeSettings: { maxSurge: "ten" } }, { updateIntervalInMs: 0 }));
    expect(err.message).toContain("maxSurge 'ten'");
    expect((await rejection(client.agentPools.beginCreateOrUpdate("rg-v", "aks-ok", "extra", { count: 1, mode: "User", maxPods: 5 }, { updateIntervalInMs: 0 }))).code).toBe("InvalidParameter");
  });

  it("checks the network profile against the nodes' VNet (ServiceCidrOverlapExistingSubnetsCidr, NetworkProfileCIDROverlapVNET)", async () => {
    const network = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const vnetPoller = await network.virtualNetworks.beginCreateOrUpdate("rg-v", "vnet", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] },
      subnets: [{ name: "nodes", addressPrefix: "10.240.0.0/22" }, { name: "other", addressPrefix: "10.240.8.0/24" }]
    }, { updateIntervalInMs: 0 });
    await f.clock.advance(10 * 60_000);
    const vnet = await vnetPoller.pollUntilDone();
    const nodes = `${vnet.id}/subnets/nodes`;
    const spec = (np: ManagedCluster["networkProfile"]): ManagedCluster => {
      const s = withNetwork(np);
      for (const p of s.agentPoolProfiles ?? []) p.vnetSubnetID = nodes;
      return s;
    };
    const svc = await rejection(create("aks-svc", spec({ serviceCidr: "10.240.8.0/24", dnsServiceIP: "10.240.8.10" })));
    expect(svc).toMatchObject({ code: "ServiceCidrOverlapExistingSubnetsCidr", message: "The specified service CIDR 10.240.8.0/24 is conflicted with an existing subnet CIDR 10.240.8.0/24" });
    const pod = await rejection(create("aks-pod", spec({ networkPluginMode: "overlay", podCidr: "10.240.100.0/24" })));
    expect(pod).toMatchObject({ code: "NetworkProfileCIDROverlapVNET", message: "NetworkProfile CIDR 10.240.100.0/24 overlaps with reserved VNET CIDR 10.240.0.0/16" });
  });

  it("requires, for outboundType userDefinedRouting, a route table on the nodes subnet with 0.0.0.0/0 to a virtual appliance", async () => {
    const network = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const put = async <T>(p: Promise<{ pollUntilDone(): Promise<T> }>): Promise<T> => {
      const poller = await p;
      await f.clock.advance(10 * 60_000);
      return poller.pollUntilDone();
    };
    const internet = await put(network.routeTables.beginCreateOrUpdate("rg-v", "rt-internet", { location: "westeurope", routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] }, { updateIntervalInMs: 0 }));
    const fw = await put(network.routeTables.beginCreateOrUpdate("rg-v", "rt-fw", { location: "westeurope", routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.200.0.4" }] }, { updateIntervalInMs: 0 }));
    const vnet = await put(network.virtualNetworks.beginCreateOrUpdate("rg-v", "vnet", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] },
      subnets: [{ name: "bare", addressPrefix: "10.240.0.0/24" }, { name: "internet", addressPrefix: "10.240.1.0/24", routeTable: { id: internet.id } }, { name: "fw", addressPrefix: "10.240.2.0/24", routeTable: { id: fw.id } }]
    }, { updateIntervalInMs: 0 }));
    const udr = (subnet: string): ManagedCluster => {
      const s = withNetwork({ outboundType: "userDefinedRouting", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" });
      for (const p of s.agentPoolProfiles ?? []) p.vnetSubnetID = `${vnet.id}/subnets/${subnet}`;
      return s;
    };
    const bare = await rejection(create("aks-udr1", udr("bare")));
    expect(bare.code).toBe("ExistingRouteTableNotAssociatedWithSubnet");
    expect(bare.message).toBe(`An existing route table has not been associated with subnet ${vnet.id}/subnets/bare. Please update the route table association`);
    const hop = await rejection(create("aks-udr2", udr("internet")));
    expect(hop).toMatchObject({ code: "RouteTableInvalidNextHop", message: expect.stringContaining("Default route 0.0.0.0/0 has a next hop of Internet") as unknown });
    const ok = await createCluster(f, "rg-v", "aks-udr3", udr("fw"));
    expect(ok.provisioningState).toBe("Succeeded");
  });
});
