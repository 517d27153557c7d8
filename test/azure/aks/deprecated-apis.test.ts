/**
 * Issue 26 item 7: AKS blocks a control-plane minor upgrade on recent use of an API removed in the
 * target version (learn.microsoft.com/azure/aks/stop-cluster-upgrade-api-breaking-changes: 400
 * ValidationError, subcode UpgradeBlockedOnDeprecatedAPIUsage, usage seen within 12 hours; bypassed
 * by upgradeSettings.overrideSettings.forceUpgrade with `until` in the future).
 */
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { RestError } from "@azure/core-rest-pipeline";
import { startFixture, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

const API = "flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta3";

describe("deprecated API usage blocks a minor upgrade (issue 26 item 7)", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-u");
    await createCluster(f, "rg-u", "aks-u", clusterSpec("1.35.4"));
  });
  afterEach(async () => { await f.close(); });

  const usage = (body: unknown) => f.raw("POST", "/_sim/clusters/aks-u/deprecated-api-usage", body);
  const upgrade = async (extra: Record<string, unknown> = {}) => {
    const current = await client.managedClusters.get("rg-u", "aks-u");
    return client.managedClusters.beginCreateOrUpdate("rg-u", "aks-u", { ...current, kubernetesVersion: "1.36.2", ...extra }, { updateIntervalInMs: 0 });
  };
  const rejection = async (p: Promise<unknown>) => {
    try { await p; } catch (err) { if (err instanceof RestError) return err; throw err; }
    throw new Error("expected a rejection");
  };

  it("refuses the upgrade while the API was used in the last 12 hours, with the article's error; a usage removed later or seen over 12 hours ago does not block", async () => {
    const now = f.clock.now();
    expect((await usage({ api: API, removedIn: "1.36", lastSeen: new Date(now - 3 * 3600_000).toISOString() })).status).toBe(201);
    const err = await rejection(upgrade());
    expect([err.statusCode, err.code]).toEqual([400, "ValidationError"]);
    expect(err.message).toContain("Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the specified version.");
    expect(err.message).toContain(`usage has been detected on API ${API}, and was recently seen at: ${new Date(now - 3 * 3600_000).toISOString().slice(0, 19).replace("T", " ")} +0000 UTC, which will be removed in 1.36`);
    // The subcode, in AKS's flat envelope over the wire (the SDK's RestError keeps code and message).
    const cluster = await client.managedClusters.get("rg-u", "aks-u");
    const raw = await f.raw("PUT", `${cluster.id}?api-version=2026-06-01`, { location: "westeurope", properties: { kubernetesVersion: "1.36.2" } }, { authorization: "Bearer t" });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ code: "ValidationError", subcode: "UpgradeBlockedOnDeprecatedAPIUsage" });
    // Nothing moved.
    expect((await client.managedClusters.get("rg-u", "aks-u")).kubernetesVersion).toBe("1.35.4");
    // A usage removed in a later minor, or last seen more than 12 hours ago, does not block.
    await f.raw("DELETE", "/_sim/clusters/aks-u/deprecated-api-usage");
    await usage({ api: API, removedIn: "1.37", lastSeen: new Date(now).toISOString() });
    await usage({ api: "batch.cronjobs.v1beta1", removedIn: "1.36", lastSeen: new Date(now - 13 * 3600_000).toISOString() });
    const poller = await upgrade();
    await f.clock.advance(3 * 3600_000);
    expect((await poller.pollUntilDone()).currentKubernetesVersion).toBe("1.36.2");
  });

  it("forceUpgrade with `until` in the future bypasses the block; an expired override does not", async () => {
    const now = f.clock.now();
    await usage({ api: API, removedIn: "1.36", lastSeen: new Date(now - 600_000).toISOString() });
    const expired = await rejection(upgrade({ upgradeSettings: { overrideSettings: { forceUpgrade: true, until: new Date(now - 60_000) } } }));
    expect(expired.code).toBe("ValidationError");
    const poller = await upgrade({ upgradeSettings: { overrideSettings: { forceUpgrade: true, until: new Date(now + 3600_000) } } });
    await f.clock.advance(3 * 3600_000);
    const done = await poller.pollUntilDone();
    expect(done.currentKubernetesVersion).toBe("1.36.2");
    expect(done.upgradeSettings?.overrideSettings?.forceUpgrade).toBe(true);
  });

  it("the control API names every invalid field and an unknown cluster", async () => {
    const bad = await usage({ api: "", removedIn: "v1.36", lastSeen: "yesterday" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/api .*removedIn .*lastSeen/);
    expect((await f.raw("POST", "/_sim/clusters/nope/deprecated-api-usage", { api: API, removedIn: "1.36", lastSeen: new Date(f.clock.now()).toISOString() })).status).toBe(404);
    await usage({ api: API, removedIn: "1.36", lastSeen: new Date(f.clock.now()).toISOString() });
    expect((await f.raw("GET", "/_sim/clusters/AKS-U/deprecated-api-usage")).body).toMatchObject({ value: [{ api: API, removedIn: "1.36" }] });
  });
});
