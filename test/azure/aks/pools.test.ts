import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { startFixture, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

describe("AKS agent pools and maintenance configurations", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-p");
    await createCluster(f, "rg-p", "aks-p", clusterSpec("1.35.4", [
      { name: "system", count: 3, mode: "System" },
      { name: "small", count: 2, mode: "User", maxSurge: "1" },
      { name: "big", count: 6, mode: "User", maxSurge: "1" }
    ]));
  });
  afterEach(async () => { await f.close(); });

  it("upgrades the control plane only, then each pool with a duration that grows with node count and shrinks with maxSurge", async () => {
    const spec = clusterSpec("1.36.2");
    spec.agentPoolProfiles = ["system", "small", "big"].map((name) => ({ name, orchestratorVersion: "1.35.4" }));
    const cp = await client.managedClusters.beginCreateOrUpdate("rg-p", "aks-p", spec, { updateIntervalInMs: 0 });
    await f.clock.advance(5 * 60_000);
    const upgraded = await cp.pollUntilDone();
    expect(upgraded.currentKubernetesVersion).toBe("1.36.2");
    expect(upgraded.agentPoolProfiles?.map((p) => p.currentOrchestratorVersion)).toEqual(["1.35.4", "1.35.4", "1.35.4"]);
    const available = await client.agentPools.getAvailableAgentPoolVersions("rg-p", "aks-p");
    expect(available.agentPoolVersions?.map((v) => [v.kubernetesVersion, v.default ?? false])).toEqual([
      ["1.34.6", false], ["1.34.7", false], ["1.35.3", false], ["1.35.4", false], ["1.36.1", false], ["1.36.2", true]
    ]);
    const profile = await client.agentPools.getUpgradeProfile("rg-p", "aks-p", "big");
    expect(profile.upgrades?.map((u) => u.kubernetesVersion)).toEqual(["1.36.1", "1.36.2"]);

    const durationOf = async (pool: string, maxSurge?: string): Promise<number> => {
      const started = f.clock.now();
      const body = { orchestratorVersion: "1.36.2", ...(maxSurge ? { upgradeSettings: { maxSurge } } : {}) };
      const poller = await client.agentPools.beginCreateOrUpdate("rg-p", "aks-p", pool, body, { updateIntervalInMs: 0 });
      while (!poller.isDone()) {
        await f.clock.advance(60_000);
        await poller.poll();
      }
      expect((await poller.pollUntilDone()).currentOrchestratorVersion).toBe("1.36.2");
      return f.clock.now() - started;
    };
    const small = await durationOf("small");
    const big = await durationOf("big");
    const system = await durationOf("system", "3");
    expect(small).toBe(2 * 4 * 60_000);
    expect(big).toBe(6 * 4 * 60_000);
    expect(system).toBe(4 * 60_000);
    const rolling = f.sim.kernel.events.ofType("Microsoft.ContainerService.NodePoolRollingStarted").map((e) => (e.data as { nodePoolName: string }).nodePoolName);
    expect(rolling).toEqual(["small", "big", "system"]);
  });

  it("fails a pool upgrade with an injected upgradeFailure and reports it in NodePoolRollingFailed", async () => {
    const spec = clusterSpec("1.36.2");
    spec.agentPoolProfiles = ["system", "small", "big"].map((name) => ({ name, orchestratorVersion: "1.35.4" }));
    await (await client.managedClusters.beginCreateOrUpdate("rg-p", "aks-p", spec, { updateIntervalInMs: 0 })).submitted();
    await f.clock.advance(5 * 60_000);
    const clusterId = (await client.managedClusters.get("rg-p", "aks-p")).id ?? "";
    await f.raw("POST", "/_sim/faults", { kind: "upgradeFailure", target: `${clusterId}/agentPools/small`, code: "VMExtensionProvisioningError", count: 1 });
    const poller = await client.agentPools.beginCreateOrUpdate("rg-p", "aks-p", "small", { orchestratorVersion: "1.36.2" }, { updateIntervalInMs: 0 });
    await f.clock.advance(4 * 60_000);
    await expect(poller.pollUntilDone()).rejects.toThrow(/VMExtensionProvisioningError\. Upgrade of agent pool small failed/);
    expect(f.sim.kernel.events.ofType("Microsoft.ContainerService.NodePoolRollingFailed").map((e) => e.data))
      .toEqual([{ nodePoolName: "small" }]);
    const pool = await client.agentPools.get("rg-p", "aks-p", "small");
    expect([pool.provisioningState, pool.orchestratorVersion, pool.currentOrchestratorVersion]).toEqual(["Failed", "1.36.2", "1.35.4"]);
  });

  it("creates, lists and deletes pools, and refuses to delete the last System pool", async () => {
    const create = await client.agentPools.beginCreateOrUpdate("rg-p", "aks-p", "batch", { count: 1, vmSize: "Standard_D8ds_v5", mode: "User" }, { updateIntervalInMs: 0 });
    await f.clock.advance(5 * 60_000);
    const created = await create.pollUntilDone();
    expect([created.name, created.orchestratorVersion, created.provisioningState]).toEqual(["batch", "1.35.4", "Succeeded"]);
    const names = [];
    for await (const p of client.agentPools.list("rg-p", "aks-p")) names.push(p.name);
    expect(names).toEqual(["system", "small", "big", "batch"]);
    await expect(client.agentPools.beginDelete("rg-p", "aks-p", "system", { updateIntervalInMs: 0 })).rejects.toMatchObject({ statusCode: 400, code: "OperationNotAllowed" });
    const deletion = await client.agentPools.beginDelete("rg-p", "aks-p", "batch", { updateIntervalInMs: 0 });
    await f.clock.advance(5 * 60_000);
    await deletion.pollUntilDone();
    await expect(client.agentPools.get("rg-p", "aks-p", "batch")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("stores the three maintenance configurations AKS accepts and validates their shapes", async () => {
    const weekly = { maintenanceWindow: { schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Sunday" } }, durationHours: 4, utcOffset: "+01:00", startDate: new Date("2026-11-01"), startTime: "01:00" } };
    const auto = await client.maintenanceConfigurations.createOrUpdate("rg-p", "aks-p", "aksManagedAutoUpgradeSchedule", weekly);
    expect(auto.maintenanceWindow?.schedule?.weekly?.dayOfWeek).toBe("Sunday");
    await client.maintenanceConfigurations.createOrUpdate("rg-p", "aks-p", "aksManagedNodeOSUpgradeSchedule",
      { maintenanceWindow: { schedule: { daily: { intervalDays: 1 } }, durationHours: 6, startTime: "00:30" } });
    await client.maintenanceConfigurations.createOrUpdate("rg-p", "aks-p", "default", { timeInWeek: [{ day: "Saturday", hourSlots: [1, 2] }] });
    const names = [];
    for await (const c of client.maintenanceConfigurations.listByManagedCluster("rg-p", "aks-p")) names.push(c.name);
    expect(names).toEqual(["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule", "default"]);

    await expect(client.maintenanceConfigurations.createOrUpdate("rg-p", "aks-p", "nightly", weekly)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    await expect(client.maintenanceConfigurations.createOrUpdate("rg-p", "aks-p", "aksManagedAutoUpgradeSchedule",
      { maintenanceWindow: { ...weekly.maintenanceWindow, durationHours: 2 } })).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    await client.maintenanceConfigurations.delete("rg-p", "aks-p", "default");
    await expect(client.maintenanceConfigurations.get("rg-p", "aks-p", "default")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("updates tags with PATCH and gives a system-assigned identity its principal", async () => {
    const spec = { ...clusterSpec("1.35.4"), identity: { type: "SystemAssigned" as const } };
    const created = await createCluster(f, "rg-p", "aks-id", spec);
    expect(created.identity?.principalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    const tagged = await client.managedClusters.beginUpdateTagsAndWait("rg-p", "aks-id", { tags: { owner: "platform" } }, { updateIntervalInMs: 0 });
    expect(tagged.tags).toEqual({ owner: "platform" });
    expect(tagged.currentKubernetesVersion).toBe("1.35.4");
  });
});
