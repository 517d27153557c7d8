import { restorePoller, type ContainerServiceClient } from "@azure/arm-containerservice";
import { RestError } from "@azure/core-rest-pipeline";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

describe("AKS managed clusters through @azure/arm-containerservice", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-a");
    await createResourceGroup(f, "rg-b");
  });
  afterEach(async () => { await f.close(); });

  it("creates a cluster as a long-running operation completed on the virtual clock, then gets and lists it", async () => {
    const poller = await client.managedClusters.beginCreateOrUpdate("rg-a", "aks-one", clusterSpec("1.35.4"), { updateIntervalInMs: 0 });
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    expect(poller.getOperationState().status).toBe("running");
    const creating = await client.managedClusters.get("rg-a", "aks-one");
    expect(creating.provisioningState).toBe("Creating");

    // Nothing completes on wall time: only advancing the virtual clock past the create duration does.
    await f.clock.advance(4 * 60_000);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    await f.clock.advance(2 * 60_000);
    const created = await poller.pollUntilDone();
    expect(created.provisioningState).toBe("Succeeded");
    expect(created.currentKubernetesVersion).toBe("1.35.4");
    expect(created.agentPoolProfiles?.map((p) => [p.name, p.count, p.currentOrchestratorVersion])).toEqual([
      ["system", 3, "1.35.4"], ["user", 2, "1.35.4"]
    ]);
    expect(created.agentPoolProfiles?.[0]?.nodeImageVersion).toMatch(/^AKSUbuntu-2204gen2containerd-\d{6}\.\d{2}\.\d+$/);

    await createCluster(f, "rg-b", "aks-two", clusterSpec("1.36.2"));
    const byGroup = [];
    for await (const c of client.managedClusters.listByResourceGroup("rg-a")) byGroup.push(c.name);
    expect(byGroup).toEqual(["aks-one"]);
    const all = [];
    for await (const c of client.managedClusters.list()) all.push(c.name);
    expect(all).toEqual(["aks-one", "aks-two"]);
    const got = await client.managedClusters.get("RG-A", "AKS-ONE");
    expect(got.id).toBe(created.id);
  });

  it("resumes a create poller from its serialized state in a new client", async () => {
    const poller = await client.managedClusters.beginCreateOrUpdate("rg-a", "aks-resume", clusterSpec("1.35.4"), { updateIntervalInMs: 0 });
    const state = await poller.serialize();
    const other = aksClient(f);
    const resumed = restorePoller(other, state, other.managedClusters.createOrUpdate, { updateIntervalInMs: 0 });
    await resumed.poll();
    expect(resumed.isDone).toBe(false);
    await f.clock.advance(10 * 60_000);
    const result = await resumed.pollUntilDone();
    expect(result.name).toBe("aks-resume");
    expect(result.provisioningState).toBe("Succeeded");
  });

  it("rejects a control-plane upgrade that skips a minor, and a downgrade", async () => {
    await createCluster(f, "rg-a", "aks-skip", clusterSpec("1.34.7"));
    const skip = client.managedClusters.beginCreateOrUpdate("rg-a", "aks-skip", clusterSpec("1.36.2"), { updateIntervalInMs: 0 });
    await expect(skip).rejects.toMatchObject({ statusCode: 400, code: "OperationNotAllowed" });
    await expect(skip).rejects.toThrow(/Upgrading Kubernetes version 1\.34\.7 to 1\.36\.2 is not allowed\. Available upgrades: \[1\.35\.4 1\.35\.3\]/);
    await expect(client.managedClusters.beginCreateOrUpdate("rg-a", "aks-skip", clusterSpec("1.34.6"), { updateIntervalInMs: 0 }))
      .rejects.toMatchObject({ statusCode: 400, code: "OperationNotAllowed" });
    const profile = await client.managedClusters.getUpgradeProfile("rg-a", "aks-skip");
    expect(profile.controlPlaneProfile?.upgrades?.map((u) => u.kubernetesVersion)).toEqual(["1.35.3", "1.35.4"]);
  });

  it("answers a second operation during an upgrade with 409 OperationNotAllowed as a RestError", async () => {
    await createCluster(f, "rg-a", "aks-busy", clusterSpec("1.35.4"));
    const upgrade = await client.managedClusters.beginCreateOrUpdate("rg-a", "aks-busy", clusterSpec("1.36.2"), { updateIntervalInMs: 0 });
    const second = client.agentPools.beginUpgradeNodeImageVersion("rg-a", "aks-busy", "user", { updateIntervalInMs: 0 });
    const err: unknown = await second.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect(err).toMatchObject({ statusCode: 409, code: "OperationNotAllowed" });
    expect((err as RestError).message).toMatch(/^Operation is not allowed because there's an in progress upgrade managed cluster operation \(operation ID: [0-9a-f-]{36}\) on the managed cluster started on UTC 2026-11-02T09:00:00Z\. Please wait for it to finish/);

    const during = await client.managedClusters.get("rg-a", "aks-busy");
    expect(during.provisioningState).toBe("Upgrading");
    // Control plane (5 min) then each pool rolls batch by batch: 3 nodes at 33%... default 10% → 1 node a batch.
    await f.clock.advance(5 * 60_000 + 3 * 4 * 60_000 + 2 * 4 * 60_000);
    const upgraded = await upgrade.pollUntilDone();
    expect(upgraded.currentKubernetesVersion).toBe("1.36.2");
    expect(upgraded.agentPoolProfiles?.map((p) => p.currentOrchestratorVersion)).toEqual(["1.36.2", "1.36.2"]);
  });

  it("does not upgrade a stopped cluster, and starts it again", async () => {
    await createCluster(f, "rg-a", "aks-stop", clusterSpec("1.35.4"));
    const stop = await client.managedClusters.beginStop("rg-a", "aks-stop", { updateIntervalInMs: 0 });
    await f.clock.advance(5 * 60_000);
    await stop.pollUntilDone();
    expect((await client.managedClusters.get("rg-a", "aks-stop")).powerState?.code).toBe("Stopped");
    await expect(client.managedClusters.beginCreateOrUpdate("rg-a", "aks-stop", clusterSpec("1.36.2"), { updateIntervalInMs: 0 }))
      .rejects.toMatchObject({ statusCode: 400, code: "OperationNotAllowed" });
    const start = await client.managedClusters.beginStart("rg-a", "aks-stop", { updateIntervalInMs: 0 });
    await f.clock.advance(5 * 60_000);
    await start.pollUntilDone();
    expect((await client.managedClusters.get("rg-a", "aks-stop")).powerState?.code).toBe("Running");
  });

  it("deletes a cluster as a long-running operation", async () => {
    await createCluster(f, "rg-a", "aks-gone", clusterSpec("1.35.4"));
    const deletion = await client.managedClusters.beginDelete("rg-a", "aks-gone", { updateIntervalInMs: 0 });
    await f.clock.advance(10 * 60_000);
    await deletion.pollUntilDone();
    await expect(client.managedClusters.get("rg-a", "aks-gone")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("deleting the resource group takes a cluster and its running operation with it", async () => {
    const rm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await (await client.managedClusters.beginCreateOrUpdate("rg-b", "aks-rg", clusterSpec("1.35.4"), { updateIntervalInMs: 0 })).submitted();
    const deletion = await rm.resourceGroups.beginDelete("rg-b", { updateIntervalInMs: 0 });
    await f.clock.advance(60_000);
    await deletion.pollUntilDone();
    await expect(client.managedClusters.get("rg-b", "aks-rg")).rejects.toMatchObject({ statusCode: 404 });
    await createResourceGroup(f, "rg-b");
    const again = await createCluster(f, "rg-b", "aks-rg", clusterSpec("1.35.4"));
    expect(again.provisioningState).toBe("Succeeded");
  });

  it("lists the location's Kubernetes versions with patches, upgrades and the preview minor", async () => {
    const list = await client.managedClusters.listKubernetesVersions("westeurope");
    expect(list.values?.map((v) => [v.version, v.isPreview ?? false, v.isDefault ?? false])).toEqual([
      ["1.34", false, false], ["1.35", false, true], ["1.36", false, false], ["1.37", true, false]
    ]);
    expect(list.values?.[0]?.patchVersions?.["1.34.7"]?.upgrades).toEqual(["1.35.3", "1.35.4"]);
  });
});
