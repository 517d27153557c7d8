/**
 * The node-image step's start activity against the simulator through the real SDK client: the
 * first delivery writes without reading; a redelivery (at-least-once) meets AKS's 409 and reads
 * the pool to tell its own roll from another operation's hold, so no second reimage starts.
 */
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { createStartNodeImageUpgrade } from "../../orchestrations/nodeImageRollout/activities/stepActivities";
import type { NodeImageStepRequest } from "../../orchestrations/nodeImageRollout/contracts";
import { startFixture, type SimFixture } from "../azure/core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "../azure/aks/aks-fixture";

describe("node-image start activity", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  let request: NodeImageStepRequest;
  const ops = (): Record<string, number> => Object.fromEntries(Object.entries(f.sim.kernel.stats.toJSON().operations)
    .map(([op, byStatus]) => [op, Object.values(byStatus).reduce((a, b) => a + b, 0)]));

  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-s");
    const cluster = await createCluster(f, "rg-s", "aks-s", clusterSpec("1.35.4", [{ name: "system", count: 3, mode: "System" }, { name: "user", count: 2 }]));
    const pool = await client.agentPools.get("rg-s", "aks-s", "user");
    await f.raw("POST", "/_sim/node-images", { osSku: "Ubuntu" });
    request = {
      clusterId: "aks-s", operationId: "op-1", resourceId: cluster.id ?? "",
      step: { index: 0, kind: "nodeImage", pool: "user", from: pool.nodeImageVersion ?? "", to: "latest" }
    };
    f.sim.kernel.stats.reset();
  });
  afterEach(async () => { await f.close(); });

  it("starts with one POST and no read; a redelivery while it rolls reads the pool and waits for that roll", async () => {
    const start = createStartNodeImageUpgrade({ aks: client });
    const first = await start(request);
    expect(first.outcome).toBe("started");
    expect(ops()).toEqual({ AgentPools_UpgradeNodeImageVersion: 1 });

    const again = await start(request);
    expect(again).toEqual({ outcome: "inProgress" });
    // The redelivered POST was refused (409, nothing started) and the pool read once.
    expect(ops()).toEqual({ AgentPools_UpgradeNodeImageVersion: 2, AgentPools_Get: 1 });
    expect(f.sim.kernel.stats.toJSON().operations.AgentPools_UpgradeNodeImageVersion).toMatchObject({ 409: 1 });
  });

  it("answers alreadyDone when the pool is on a new image and another operation holds the cluster, conflict when the pool was not upgraded", async () => {
    const start = createStartNodeImageUpgrade({ aks: client });
    expect((await start(request)).outcome).toBe("started");
    await f.clock.advance(6 * 3600_000);
    const upgraded = await client.agentPools.get("rg-s", "aks-s", "user");
    expect(upgraded.provisioningState).toBe("Succeeded");
    expect(upgraded.nodeImageVersion).not.toBe(request.step.from);

    // Another operation (a scale of the system pool) holds the cluster now.
    await client.agentPools.beginCreateOrUpdate("rg-s", "aks-s", "system", { ...(await client.agentPools.get("rg-s", "aks-s", "system")), count: 4 }, { updateIntervalInMs: 0 });
    expect(await start(request)).toEqual({ outcome: "alreadyDone" });

    const other: NodeImageStepRequest = { ...request, step: { ...request.step, pool: "system", from: (await client.agentPools.get("rg-s", "aks-s", "system")).nodeImageVersion ?? "" } };
    const refused = await start(other);
    expect(refused.outcome).toBe("conflict");
    expect(refused).toMatchObject({ error: { code: "OperationNotAllowed" } });
  });
});
