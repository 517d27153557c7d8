/**
 * Issue 26 item 10: Compute usages per region and VM family with AKS nodes counting, the
 * Microsoft.Quota API to change a limit, AKS refusing nodes past a limit, and VNet usages.
 * Compute and Quota have no client in this project's dependencies: their calls go over HTTPS as
 * the generated clients send them (same paths, api-versions and bodies); AKS and Network use
 * their SDK clients.
 */
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { RestError } from "@azure/core-rest-pipeline";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "../aks/aks-fixture";

const AUTH = { authorization: "Bearer t" };
const COMPUTE = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westeurope`;
interface Usage { currentValue: number; limit: number; unit: string; name: { value: string; localizedValue: string } }

describe("quotas and capacity (issue 26 item 10)", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-q");
  });
  afterEach(async () => { await f.close(); });

  const usages = async (): Promise<Usage[]> => ((await f.raw("GET", `${COMPUTE}/usages?api-version=2024-07-01`, undefined, AUTH)).body as { value: Usage[] }).value;
  const setLimit = (name: string, value: number) => f.raw("PUT", `${COMPUTE}/providers/Microsoft.Quota/quotas/${name}?api-version=2023-02-01`, { properties: { limit: { limitObjectType: "LimitValue", value }, name: { value: name } } }, AUTH);
  const rejection = async (p: Promise<unknown>) => {
    try { await p; } catch (err) { if (err instanceof RestError) return err; throw err; }
    throw new Error("expected a rejection");
  };

  it("Usage_List counts the vCPUs of running AKS nodes per family and in total (Usage_List example shape)", async () => {
    // 3 + 2 nodes of Standard_D4ds_v5 (4 vCPUs, standardDDSv5Family).
    await createCluster(f, "rg-q", "aks-a", clusterSpec("1.35.4"));
    const u = await usages();
    expect(u.find((x) => x.name.value === "cores")).toMatchObject({ currentValue: 20, unit: "Count", name: { localizedValue: "Total Regional vCPUs" } });
    expect(u.find((x) => x.name.value === "standardDDSv5Family")).toMatchObject({ currentValue: 20, name: { localizedValue: "Standard DDSv5 Family vCPUs" } });
    // A stopped cluster's nodes are deallocated: they no longer count.
    const stop = await client.managedClusters.beginStop("rg-q", "aks-a", { updateIntervalInMs: 0 });
    await f.clock.advance(3600_000);
    await stop.pollUntilDone();
    expect((await usages()).find((x) => x.name.value === "cores")?.currentValue).toBe(0);
  });

  it("the Quota API changes a family limit; AKS then refuses a create or scale past it (ErrCode_InsufficientVCPUQuota) and the regional total (QuotaExceeded)", async () => {
    await createCluster(f, "rg-q", "aks-a", clusterSpec("1.35.4"));
    const put = await setLimit("standardDDSv5Family", 24);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "standardDDSv5Family", properties: { limit: { limitObjectType: "LimitValue", value: 24 }, name: { value: "standardDDSv5Family" } } });
    expect((await f.raw("GET", `${COMPUTE}/providers/Microsoft.Quota/usages/standardDDSv5Family?api-version=2023-02-01`, undefined, AUTH)).body).toMatchObject({ properties: { usages: { value: 20 }, unit: "Count" } });
    expect((await usages()).find((x) => x.name.value === "standardDDSv5Family")?.limit).toBe(24);
    // 1ChristianAlex/motordesk#14: "Insufficient vcpu quota requested 2, remaining 0 for family StandardDasv7Family for region eastus."
    const create = await rejection(client.managedClusters.beginCreateOrUpdate("rg-q", "aks-b", clusterSpec("1.35.4", [{ name: "system", count: 2, mode: "System" }]), { updateIntervalInMs: 0 }));
    expect([create.statusCode, create.code]).toEqual([400, "ErrCode_InsufficientVCPUQuota"]);
    expect(create.message).toBe("Insufficient vcpu quota requested 8, remaining 4 for family StandardDdsv5Family for region westeurope. Surge nodes would also consume vcpu quota.");
    const scale = await rejection(client.agentPools.beginCreateOrUpdate("rg-q", "aks-a", "user", { count: 4, mode: "User", vmSize: "Standard_D4ds_v5" }, { updateIntervalInMs: 0 }));
    expect(scale.code).toBe("ErrCode_InsufficientVCPUQuota");
    // One more node fits.
    const one = await client.agentPools.beginCreateOrUpdate("rg-q", "aks-a", "user", { count: 3, mode: "User", vmSize: "Standard_D4ds_v5" }, { updateIntervalInMs: 0 });
    await f.clock.advance(3600_000);
    expect((await one.pollUntilDone()).count).toBe(3);
    // Another family within its own limit, but past the region's total.
    expect((await setLimit("cores", 30)).status).toBe(200);
    const regional = await rejection(client.agentPools.beginCreateOrUpdate("rg-q", "aks-a", "extra", { count: 2, mode: "User", vmSize: "Standard_E4s_v5" }, { updateIntervalInMs: 0 }));
    expect([regional.code, regional.message]).toEqual(["QuotaExceeded", expect.stringContaining("Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 30, Current Usage: 24, Additional Required: 8, (Minimum) New Limit Required: 32.")]);
    // A limit below the usage is refused; a bad body names its fields.
    expect((await setLimit("cores", 10)).status).toBe(400);
    const bad = await f.raw("PUT", `${COMPUTE}/providers/Microsoft.Quota/quotas/notAFamily?api-version=2023-02-01`, { properties: { limit: { value: -1 } } }, AUTH);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/resourceName .*properties\.limit\.value/);
  });

  it("an upgrade's surge nodes need quota too", async () => {
    await createCluster(f, "rg-q", "aks-a", clusterSpec("1.35.4", [{ name: "system", count: 3, mode: "System", maxSurge: "1" }]));
    expect((await setLimit("standardDDSv5Family", 12)).status).toBe(200);
    const current = await client.managedClusters.get("rg-q", "aks-a");
    const err = await rejection(client.managedClusters.beginCreateOrUpdate("rg-q", "aks-a", { ...current, kubernetesVersion: "1.36.2", agentPoolProfiles: current.agentPoolProfiles?.map((p) => ({ ...p, orchestratorVersion: "1.36.2" })) }, { updateIntervalInMs: 0 }));
    expect(err.code).toBe("ErrCode_InsufficientVCPUQuota");
    expect(err.message).toContain("Surge nodes would also consume vcpu quota.");
  });

  it("VNet usages: each subnet's size less Azure's 5 and the addresses its nodes and endpoints use (VirtualNetworkListUsage.json)", async () => {
    const net = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const vnetPoller = await net.virtualNetworks.beginCreateOrUpdate("rg-q", "vnet", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] },
      subnets: [{ name: "nodes", addressPrefix: "10.240.0.0/22" }, { name: "pe", addressPrefix: "10.240.4.0/28" }]
    }, { updateIntervalInMs: 0 });
    await f.clock.advance(600_000);
    const vnet = await vnetPoller.pollUntilDone();
    const spec = { ...clusterSpec("1.35.4"), networkProfile: { networkPlugin: "azure" } };
    for (const p of spec.agentPoolProfiles ?? []) p.vnetSubnetID = `${vnet.id}/subnets/nodes`;
    await createCluster(f, "rg-q", "aks-cni", spec);
    const list = [];
    for await (const u of net.virtualNetworks.listUsage("rg-q", "vnet")) list.push(u);
    // Azure CNI: 5 nodes × (1 + 30 pods).
    expect(list.find((u) => u.id?.endsWith("/subnets/nodes"))).toMatchObject({ currentValue: 155, limit: 1019, unit: "Count", name: { value: "Subnet size and usage" } });
    expect(list.find((u) => u.id?.endsWith("/subnets/pe"))).toMatchObject({ currentValue: 0, limit: 11 });
  });
});
