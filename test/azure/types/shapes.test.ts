/**
 * Issue 26 item 9: what Network, Private DNS and Container Registry report that the platform and
 * the SDKs read, as the sources cited per case answer it.
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";

const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sh`;

describe("response shapes of the network and registry types (issue 26 item 9)", () => {
  let f: SimFixture;
  let rm: ResourceManagementClient;
  beforeEach(async () => {
    f = await startFixture();
    rm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await rm.resourceGroups.createOrUpdate("rg-sh", { location: "westeurope" });
  });
  afterEach(async () => { await f.close(); });
  const done = async <T>(begin: Promise<{ pollUntilDone(): Promise<T> }>): Promise<T> => {
    const poller = await begin;
    await f.clock.advance(30 * 60_000);
    return poller.pollUntilDone();
  };

  it("a public IP reports ddosSettings.protectionMode VirtualNetworkInherited, ipTags and a resource GUID (az network public-ip create output in learn.microsoft.com quickstarts)", async () => {
    const net = new NetworkManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const pip = await done(net.publicIPAddresses.beginCreateOrUpdate("rg-sh", "pip", { location: "westeurope", sku: { name: "Standard" } }, { updateIntervalInMs: 0 }));
    expect([pip.ddosSettings?.protectionMode, pip.ipTags, typeof pip.resourceGuid]).toEqual(["VirtualNetworkInherited", [], "string"]);
  });

  it("a private DNS A record set reports fqdn and isAutoRegistered, and the zone counts it (RecordSetAPut.json at 2024-06-01)", async () => {
    const zoneId = `${RG}/providers/Microsoft.Network/privateDnsZones/privatezone1.com`;
    await done(rm.resources.beginCreateOrUpdateById(zoneId, "2024-06-01", { location: "global" }, { updateIntervalInMs: 0 }));
    const rec = await rm.resources.beginCreateOrUpdateByIdAndWait(`${zoneId}/A/recordA`, "2024-06-01", { properties: { ttl: 3600, aRecords: [{ ipv4Address: "1.2.3.4" }] } }, { updateIntervalInMs: 0 });
    expect(rec.properties).toMatchObject({ fqdn: "recordA.privatezone1.com.", isAutoRegistered: false, ttl: 3600, aRecords: [{ ipv4Address: "1.2.3.4" }] });
    expect(rec.type).toBe("Microsoft.Network/privateDnsZones/A");
    const zone = await rm.resources.getById(zoneId, "2024-06-01");
    expect((zone.properties as { numberOfRecordSets?: number }).numberOfRecordSets).toBe(2);
    await rm.resources.beginDeleteByIdAndWait(`${zoneId}/A/recordA`, "2024-06-01", { updateIntervalInMs: 0 });
    expect(((await rm.resources.getById(zoneId, "2024-06-01")).properties as { numberOfRecordSets?: number }).numberOfRecordSets).toBe(1);
  });

  it("a Standard registry reports networkRuleSet, the five policies, encryption, dataEndpointHostNames and privateEndpointConnections (RegistryCreate.json at 2025-11-01)", async () => {
    const acr = new ContainerRegistryManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const poller = acr.registries.create("rg-sh", "acrshapes", { location: "westeurope", sku: { name: "Standard" }, adminUserEnabled: true });
    await poller.submitted();
    await f.clock.advance(30 * 60_000);
    const r = await poller.pollUntilDone();
    expect(r.networkRuleSet).toEqual({ defaultAction: "Allow", ipRules: [] });
    expect([r.policies?.quarantinePolicy?.status, r.policies?.trustPolicy?.type, r.policies?.trustPolicy?.status, r.policies?.retentionPolicy?.days, r.policies?.retentionPolicy?.status, r.policies?.exportPolicy?.status, r.policies?.azureADAuthenticationAsArmPolicy?.status])
      .toEqual(["disabled", "Notary", "disabled", 7, "disabled", "enabled", "enabled"]);
    expect([r.encryption?.status, r.dataEndpointHostNames, r.privateEndpointConnections, r.networkRuleBypassAllowedForTasks, r.roleAssignmentMode]).toEqual(["disabled", [], [], false, "LegacyRegistryPermissions"]);
  });
});
