/**
 * Container Registry geo-replicas (`Microsoft.ContainerRegistry/registries/replications`) in the
 * simulator through the real SDK client (@azure/arm-containerregistry): a long-running create
 * (Creating / Provisioning → Succeeded / Ready), listed under the registry, a data endpoint per
 * replica region; refused on a registry that is not Premium, in the registry's home region, twice
 * in one region, with an invalid name; a registry with a replica cannot leave Premium.
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { ResourceManagementClient } from "@azure/arm-resources";
import { refusal, settled, startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";

describe("registry geo-replicas in the simulator", () => {
  let f: SimFixture;
  let acr: ContainerRegistryManagementClient;
  const opts = { updateIntervalInMs: 0 };
  beforeEach(async () => {
    f = await startFixture();
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-r", { location: "westeurope" });
    acr = new ContainerRegistryManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
  });
  afterEach(async () => { await f.close(); });

  it("creates a replica in another region as a long-running operation, lists it, and gives it a data endpoint", async () => {
    await settled(f, acr.registries.create("rg-r", "acrgeo01", { location: "westeurope", sku: { name: "Premium" }, dataEndpointEnabled: true }, opts));
    const poller = acr.replications.create("rg-r", "acrgeo01", "northeurope", { location: "northeurope" }, opts);
    await poller.submitted();
    const running = await acr.replications.get("rg-r", "acrgeo01", "northeurope");
    expect([running.provisioningState, running.status?.displayStatus]).toEqual(["Creating", "Provisioning"]);
    await f.clock.advance(30 * 60_000);
    const done = await poller.pollUntilDone();
    expect([done.location, done.provisioningState, done.status?.displayStatus, done.regionEndpointEnabled, done.zoneRedundancy]).toEqual(["northeurope", "Succeeded", "Ready", true, "Disabled"]);
    const listed = [];
    for await (const r of acr.replications.list("rg-r", "acrgeo01")) listed.push([r.name, r.location]);
    expect(listed).toEqual([["northeurope", "northeurope"]]);
    expect((await acr.registries.get("rg-r", "acrgeo01")).dataEndpointHostNames).toEqual(["acrgeo01.westeurope.data.azurecr.io", "acrgeo01.northeurope.data.azurecr.io"]);
    // The registry cannot leave Premium while it has a replica; deleting the replica lets it.
    expect(await refusal(settled(f, acr.registries.create("rg-r", "acrgeo01", { location: "westeurope", sku: { name: "Standard" } }, opts))))
      .toMatchObject({ status: 400, code: "GeoReplicationNotSupported", message: expect.stringContaining("northeurope") as string });
    await settled(f, acr.replications.delete("rg-r", "acrgeo01", "northeurope", opts));
    expect(await refusal(acr.replications.get("rg-r", "acrgeo01", "northeurope"))).toMatchObject({ status: 404 });
    expect((await acr.registries.get("rg-r", "acrgeo01")).dataEndpointHostNames).toEqual(["acrgeo01.westeurope.data.azurecr.io"]);
  });

  it("refuses a replica of a registry that is not Premium, in the home region, twice in one region, or with an invalid name, writing nothing", async () => {
    await settled(f, acr.registries.create("rg-r", "acrstd01", { location: "westeurope", sku: { name: "Standard" } }, opts));
    expect(await refusal(settled(f, acr.replications.create("rg-r", "acrstd01", "northeurope", { location: "northeurope" }, opts))))
      .toMatchObject({ status: 400, code: "GeoReplicationNotSupported", message: expect.stringContaining("Standard") as string });
    await settled(f, acr.registries.create("rg-r", "acrgeo02", { location: "westeurope", sku: { name: "Premium" } }, opts));
    expect(await refusal(settled(f, acr.replications.create("rg-r", "acrgeo02", "homereplica", { location: "West Europe" }, opts))))
      .toMatchObject({ status: 400, code: "InvalidReplicationLocation", message: expect.stringContaining("westeurope") as string });
    await settled(f, acr.replications.create("rg-r", "acrgeo02", "northeurope", { location: "northeurope" }, opts));
    expect(await refusal(settled(f, acr.replications.create("rg-r", "acrgeo02", "secondne", { location: "northeurope" }, opts))))
      .toMatchObject({ status: 409, code: "ReplicationAlreadyExists" });
    expect(await refusal(settled(f, acr.replications.create("rg-r", "acrgeo02", "ne-1", { location: "swedencentral" }, opts))))
      .toMatchObject({ status: 400, code: "InvalidReplicationName" });
    expect(await refusal(settled(f, acr.replications.create("rg-r", "acrmissing", "northeurope", { location: "northeurope" }, opts)))).toMatchObject({ status: 404 });
    const listed = [];
    for await (const r of acr.replications.list("rg-r", "acrgeo02")) listed.push(r.name);
    expect(listed).toEqual(["northeurope"]);
    for await (const r of acr.replications.list("rg-r", "acrstd01")) listed.push(r.name);
    expect(listed).toEqual(["northeurope"]);
  });
});
