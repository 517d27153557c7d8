import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { AksFleet } from "../../../local/azure/aks";
import { startFixture, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

const ROLLING = ["Microsoft.ContainerService.NodePoolRollingStarted", "Microsoft.ContainerService.NodePoolRollingSucceeded", "Microsoft.ContainerService.NodePoolRollingFailed"];

describe("AKS node images and rolling node pools", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  let clusterId: string;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-n");
    const cluster = await createCluster(f, "rg-n", "aks-n", clusterSpec("1.35.4", [
      { name: "system", count: 3, mode: "System" },
      { name: "user", count: 4, mode: "User", maxSurge: "2" }
    ]));
    clusterId = cluster.id ?? "";
  });
  afterEach(async () => { await f.close(); });

  const rollingEvents = () => f.sim.kernel.events.recorded
    .filter((r) => ROLLING.includes(r.event.eventType))
    .map((r) => [r.event.eventType.replace("Microsoft.ContainerService.", ""), (r.event.data as { nodePoolName: string }).nodePoolName, r.event.eventTime]);

  it("offers a newer latestNodeImageVersion after POST /_sim/node-images, and emits no event for it", async () => {
    const before = await client.agentPools.getUpgradeProfile("rg-n", "aks-n", "user");
    const pool = await client.agentPools.get("rg-n", "aks-n", "user");
    expect(before.latestNodeImageVersion).toBe(pool.nodeImageVersion);
    const eventsBefore = f.sim.kernel.events.recorded.length;

    const published = await f.raw("POST", "/_sim/node-images", { osSku: "Ubuntu" });
    expect(published.status).toBe(201);
    const after = await client.agentPools.getUpgradeProfile("rg-n", "aks-n", "user");
    expect(after.latestNodeImageVersion).not.toBe(before.latestNodeImageVersion);
    expect(after.latestNodeImageVersion).toMatch(/^AKSUbuntu-2204gen2containerd-\d{6}\.\d{2}\.\d+$/);
    expect((after.latestNodeImageVersion ?? "") > (before.latestNodeImageVersion ?? "")).toBe(true);
    expect(f.sim.kernel.events.recorded.length).toBe(eventsBefore);
  });

  it("rolls the pool batch by batch on upgradeNodeImageVersion, NotReady nodes included, and publishes NodePoolRolling events", async () => {
    await f.raw("POST", "/_sim/node-images", {});
    const latest = (await client.agentPools.getUpgradeProfile("rg-n", "aks-n", "user")).latestNodeImageVersion;
    const fleet = f.sim.kernel.service<AksFleet>("aks")!;
    const start = f.clock.now();

    const poller = await client.agentPools.beginUpgradeNodeImageVersion("rg-n", "aks-n", "user", { updateIntervalInMs: 0 });
    expect((await client.agentPools.get("rg-n", "aks-n", "user")).provisioningState).toBe("UpgradingNodeImageVersion");
    // 4 nodes, maxSurge 2: two batches of 4 minutes; 2 surge nodes present, 2 nodes NotReady.
    expect(fleet.getPoolHealth(clusterId, "user")).toEqual({ nodes: 6, ready: 4, notReady: 2, surgeNodes: 2, rolling: true });
    await f.clock.advance(4 * 60_000);
    expect(fleet.getPoolHealth(clusterId, "user")).toMatchObject({ notReady: 2, rolling: true });
    const view = await f.raw("GET", "/_sim/fleet");
    expect(view.body).toMatchObject({ clusters: [{ id: clusterId, pools: [
      { name: "system", count: 3, health: { ready: 3, rolling: false } },
      { name: "user", count: 4, health: { nodes: 6, ready: 4, notReady: 2, rolling: true } }
    ] }] });
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    await f.clock.advance(4 * 60_000);
    await poller.pollUntilDone();

    expect(fleet.getPoolHealth(clusterId, "user")).toEqual({ nodes: 4, ready: 4, notReady: 0, surgeNodes: 0, rolling: false });
    const pool = await client.agentPools.get("rg-n", "aks-n", "user");
    expect(pool.nodeImageVersion).toBe(latest);
    expect(pool.provisioningState).toBe("Succeeded");
    expect(rollingEvents()).toEqual([
      ["NodePoolRollingStarted", "user", new Date(start).toISOString()],
      ["NodePoolRollingSucceeded", "user", new Date(start + 8 * 60_000).toISOString()]
    ]);
    const started = f.sim.kernel.events.ofType("Microsoft.ContainerService.NodePoolRollingStarted")[0];
    expect(started).toMatchObject({ topic: clusterId, subject: "aks-n", dataVersion: "1", data: { nodePoolName: "user" } });
  });

  it("ends a pool upgrade Failed with NodePoolRollingFailed on an injected drain timeout", async () => {
    const fault = await f.raw("POST", "/_sim/faults", { kind: "drainTimeout", target: `${clusterId}/agentPools/user`, count: 1 });
    expect(fault.status).toBe(201);
    const poller = await client.agentPools.beginUpgradeNodeImageVersion("rg-n", "aks-n", "user", { updateIntervalInMs: 0 });
    await f.clock.advance(31 * 60_000);
    const err: unknown = await poller.pollUntilDone().catch((e: unknown) => e);
    // core-lro reports a failed operation as an Error naming the operation-status error's code and message.
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^The long-running operation has failed\. UpgradeFailed\. Drain node aks-user-\w+-vmss000000 failed when evicting pod .* Pod Disruption Budget/);
    expect(rollingEvents().map((e) => e.slice(0, 2))).toEqual([["NodePoolRollingStarted", "user"], ["NodePoolRollingFailed", "user"]]);
    const failed = f.sim.kernel.events.ofType("Microsoft.ContainerService.NodePoolRollingFailed")[0];
    expect(failed?.data).toEqual({ nodePoolName: "user" });
    expect((await client.agentPools.get("rg-n", "aks-n", "user")).provisioningState).toBe("Failed");
    expect((await client.managedClusters.get("rg-n", "aks-n")).provisioningState).toBe("Failed");
    // The fault was used up: a retry succeeds.
    const retry = await client.agentPools.beginUpgradeNodeImageVersion("rg-n", "aks-n", "user", { updateIntervalInMs: 0 });
    await f.clock.advance(10 * 60_000);
    await retry.pollUntilDone();
    expect((await client.managedClusters.get("rg-n", "aks-n")).provisioningState).toBe("Succeeded");
  });

  it("keeps a pool NotReady after its roll with an unhealthyPool fault", async () => {
    await f.raw("POST", "/_sim/faults", { kind: "unhealthyPool", target: clusterId, notReadyNodes: 1, count: 1 });
    const poller = await client.agentPools.beginUpgradeNodeImageVersion("rg-n", "aks-n", "system", { updateIntervalInMs: 0 });
    await f.clock.advance(20 * 60_000);
    await poller.pollUntilDone();
    const fleet = f.sim.kernel.service<AksFleet>("aks")!;
    expect(fleet.getPoolHealth(clusterId, "system")).toEqual({ nodes: 3, ready: 2, notReady: 1, surgeNodes: 0, rolling: false });
  });

  it("rejects operations while a conflict fault holds the cluster, for its duration", async () => {
    await f.raw("POST", "/_sim/faults", { kind: "conflict", target: clusterId, durationMs: 10 * 60_000 });
    await expect(client.agentPools.beginUpgradeNodeImageVersion("rg-n", "aks-n", "user", { updateIntervalInMs: 0 }))
      .rejects.toMatchObject({ statusCode: 409, code: "OperationNotAllowed" });
    await f.clock.advance(10 * 60_000);
    const poller = await client.agentPools.beginUpgradeNodeImageVersion("rg-n", "aks-n", "user", { updateIntervalInMs: 0 });
    await f.clock.advance(10 * 60_000);
    await poller.pollUntilDone();
  });

  it("upgrades a pool's orchestratorVersion only up to the control plane, and never more than three minors behind", async () => {
    const tooNew = client.agentPools.beginCreateOrUpdate("rg-n", "aks-n", "user", { orchestratorVersion: "1.36.2", count: 4 }, { updateIntervalInMs: 0 });
    await expect(tooNew).rejects.toMatchObject({ statusCode: 400, code: "NodePoolMcVersionIncompatible" });
    const patch = await client.agentPools.beginCreateOrUpdate("rg-n", "aks-n", "user", { orchestratorVersion: "1.35.4", count: 5 }, { updateIntervalInMs: 0 });
    await f.clock.advance(5 * 60_000);
    const pool = await patch.pollUntilDone();
    expect(pool.count).toBe(5);
  });
});
