import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { MonitorClient } from "@azure/arm-monitor";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";

const TENANT = "00000000-0000-0000-0000-000000000000";
const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-t`;
const AUTH = { authorization: "Bearer t" };

/** Faults aimed at the baseline's types by resource id or by `resourceType`, through the real SDK clients. */
describe("faults for the baseline's resource types", () => {
  let f: SimFixture;
  const opts = { updateIntervalInMs: 0 };
  beforeEach(async () => {
    f = await startFixture();
    await new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions).resourceGroups.createOrUpdate("rg-t", { location: "westeurope" });
  });
  afterEach(async () => { await f.close(); });

  it("createFailure by resourceType fails the next create of that type's operation (vault left Failed), and only that type", async () => {
    await f.raw("POST", "/_sim/faults", { kind: "createFailure", resourceType: "Microsoft.KeyVault/vaults", code: "InternalServerError", message: "Provisioning failed.", count: 1 });
    const net = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    // Another type is not affected.
    const rt = await net.routeTables.beginCreateOrUpdate("rg-t", "rt", { location: "westeurope", routes: [] }, opts);
    await f.clock.advance(60_000);
    expect((await rt.pollUntilDone()).provisioningState).toBe("Succeeded");

    const kv = new KeyVaultManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const props = { tenantId: TENANT, sku: { family: "A" as const, name: "standard" as const } };
    const poller = kv.vaults.createOrUpdate("rg-t", "kv-broken-01", { location: "westeurope", properties: props }, opts);
    await poller.submitted();
    await f.clock.advance(30 * 60_000);
    const err = await poller.pollUntilDone().catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain("Provisioning failed.");
    expect((await kv.vaults.get("rg-t", "kv-broken-01")).properties.provisioningState).toBe("Failed");
    expect((await f.raw("GET", "/_sim/faults")).body).toEqual({ value: [] });
  });

  it("createFailure on a synchronous type (action group) answers the PUT with the error", async () => {
    const id = `${RG}/providers/Microsoft.Insights/actionGroups/ag-broken`;
    await f.raw("POST", "/_sim/faults", { kind: "createFailure", target: id, code: "InternalServerError", count: 1 });
    const monitor = new MonitorClient(f.credential, SUBSCRIPTION, { ...f.clientOptions, retryOptions: { maxRetries: 0 } });
    const err = await monitor.actionGroups.createOrUpdate("rg-t", "ag-broken", { location: "Global", groupShortName: "broken", enabled: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect([(err as RestError).statusCode, (err as RestError).code]).toEqual([400, "InternalServerError"]);
    const again = await monitor.actionGroups.createOrUpdate("rg-t", "ag-broken", { location: "Global", groupShortName: "broken", enabled: true });
    expect(again.name).toBe("ag-broken");
  });

  it("throttle by resourceType answers that type's requests 429 with Retry-After; the SDK's retry then succeeds", async () => {
    await f.raw("POST", "/_sim/faults", { kind: "throttle", resourceType: "Microsoft.ContainerRegistry/registries", count: 2, retryAfterSeconds: 0 });
    const list = `${RG}/providers/Microsoft.ContainerRegistry/registries?api-version=2025-04-01`;
    const vnets = `${RG}/providers/Microsoft.Network/virtualNetworks?api-version=2024-05-01`;
    expect((await f.raw("GET", vnets, undefined, AUTH)).status).toBe(200);
    const throttled = await f.raw("GET", list, undefined, AUTH);
    expect([throttled.status, throttled.headers["retry-after"], (throttled.body as { error: { code: string } }).error.code]).toEqual([429, "0", "TooManyRequests"]);
    const acr = new ContainerRegistryManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const poller = acr.registries.create("rg-t", "acrthrottled01", { location: "westeurope", sku: { name: "Basic" } }, opts);
    await poller.submitted();
    await f.clock.advance(30 * 60_000);
    expect((await poller.pollUntilDone()).loginServer).toBe("acrthrottled01.azurecr.io");
    const stats = (await f.raw("GET", "/_sim/stats")).body as { operations: Record<string, Record<string, number>> };
    expect(stats.operations["Registries_CreateOrUpdate"]?.["429"]).toBe(1);
  });

  it("serverError by resourceType answers any operation on that type with the 5xx, other types not", async () => {
    await f.raw("POST", "/_sim/faults", { kind: "serverError", resourceType: "Microsoft.Network/azureFirewalls", status: 500, count: 1 });
    const net = new NetworkManagementClient(f.credential, SUBSCRIPTION, { ...f.clientOptions, retryOptions: { maxRetries: 0 } });
    await expect(net.virtualNetworks.get("rg-t", "none")).rejects.toMatchObject({ statusCode: 404 });
    const err = await net.azureFirewalls.get("rg-t", "fw").catch((e: unknown) => e);
    expect([(err as RestError).statusCode, (err as RestError).code]).toEqual([500, "InternalServerError"]);
    await expect(net.azureFirewalls.get("rg-t", "fw")).rejects.toMatchObject({ statusCode: 404 });
  });
});
