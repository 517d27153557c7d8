import { rmSync } from "node:fs";
import { restorePoller } from "@azure/arm-containerservice";
import { VirtualClock } from "../../../local/clock";
import { startFixture, driveUntilSettled, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createResourceGroup } from "./aks-fixture";

const DEMO = ["aks-dev", "aks-staging", "aks-prod"];

describe("demo fleet, release catalog and persistence", () => {
  let f: SimFixture | undefined;
  afterEach(async () => { await f?.close(); f = undefined; });

  it("seeds three baseline-shaped clusters one minor behind the newest catalog version", async () => {
    f = await startFixture({ seed: "demo" });
    const client = aksClient(f);
    const clusters = [];
    for await (const c of client.managedClusters.list()) clusters.push(c);
    expect(clusters.map((c) => [c.name, c.id?.split("/")[4], c.location, c.currentKubernetesVersion, c.provisioningState])).toEqual([
      ["aks-dev", "rg-aks-dev", "westeurope", "1.35.4", "Succeeded"],
      ["aks-staging", "rg-aks-staging", "westeurope", "1.35.4", "Succeeded"],
      ["aks-prod", "rg-aks-prod", "westeurope", "1.35.4", "Succeeded"]
    ]);
    const prod = clusters[2]!;
    expect(prod.agentPoolProfiles?.map((p) => [p.name, p.count, p.mode, p.availabilityZones, p.nodeTaints ?? []])).toEqual([
      ["system", 3, "System", ["1", "2", "3"], ["CriticalAddonsOnly=true:NoSchedule"]],
      ["user", 2, "User", ["1", "2", "3"], []]
    ]);
    expect(prod.networkProfile).toMatchObject({ networkPlugin: "azure", networkPolicy: "azure" });
    expect(prod.aadProfile).toMatchObject({ managed: true, enableAzureRbac: true });
    expect(prod.disableLocalAccounts).toBe(true);
    expect(prod.securityProfile?.workloadIdentity?.enabled).toBe(true);
    expect(prod.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
    expect(Object.keys(prod.addonProfiles ?? {}).sort()).toEqual(["azureKeyvaultSecretsProvider", "azurepolicy", "omsagent"]);
    const days = [];
    for (const name of DEMO) {
      const mc = await client.maintenanceConfigurations.get(`rg-${name}`, name, "aksManagedNodeOSUpgradeSchedule");
      days.push(mc.maintenanceWindow?.schedule?.weekly?.dayOfWeek);
    }
    expect(days).toEqual(["Monday", "Tuesday", "Thursday"]);
  });

  it("emits NewKubernetesVersionAvailable, then moves the N-2 window with ClusterSupportEnding/Ended", async () => {
    f = await startFixture({ seed: "demo" });
    const kernel = f.sim.kernel;
    const preview = await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.37.1", preview: true });
    expect(preview.status).toBe(201);
    const available = kernel.events.ofType("Microsoft.ContainerService.NewKubernetesVersionAvailable");
    expect(available.map((e) => e.subject)).toEqual(DEMO);
    expect(available[0]?.data).toEqual({
      latestSupportedKubernetesVersion: "1.36.2", latestStableKubernetesVersion: "1.35.4",
      lowestMinorKubernetesVersion: "1.34.7", latestPreviewKubernetesVersion: "1.37.1"
    });
    expect(kernel.events.ofType("Microsoft.ContainerService.ClusterSupportEnding")).toEqual([]);

    // 1.37 goes GA: 1.34 is deprecated (still offered for its 30-day window); the fleet is on 1.35, so no notice yet.
    const ga = await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.37.2" });
    expect(ga.body).toMatchObject({ supportedMinors: ["1.34", "1.35", "1.36", "1.37"], ended: [], ending: "1.34" });
    expect(kernel.events.ofType("Microsoft.ContainerService.ClusterSupportEnding")).toEqual([]);
    const versions = await aksClient(f).managedClusters.listKubernetesVersions("westeurope");
    expect(versions.values?.map((v) => v.version)).toEqual(["1.34", "1.35", "1.36", "1.37"]);
    await f.clock.advance(30 * 24 * 3600_000);
    expect((await aksClient(f).managedClusters.listKubernetesVersions("westeurope")).values?.map((v) => v.version)).toEqual(["1.35", "1.36", "1.37"]);

    // 1.38 pushes out 1.35, the fleet's minor: ClusterSupportEnding now, ClusterSupportEnded when the window closes.
    await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.38.0" });
    expect(kernel.events.ofType("Microsoft.ContainerService.ClusterSupportEnding").map((e) => [e.subject, e.data])).toEqual(
      DEMO.map((n) => [n, { kubernetesVersion: "1.35.4" }]));
    expect(kernel.events.ofType("Microsoft.ContainerService.ClusterSupportEnded")).toEqual([]);
    await f.clock.advance(30 * 24 * 3600_000 - 60_000);
    expect(kernel.events.ofType("Microsoft.ContainerService.ClusterSupportEnded")).toEqual([]);
    await f.clock.advance(60_000);
    expect(kernel.events.ofType("Microsoft.ContainerService.ClusterSupportEnded").map((e) => e.subject)).toEqual(DEMO);
  });

  it("announces a preview minor going GA and refuses releases out of order", async () => {
    f = await startFixture({ seed: "demo" });
    const kernel = f.sim.kernel;
    // 1.37 is a preview: 1.38 cannot come before it is GA, and no minor may be skipped.
    const early = await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.38.0" });
    expect([early.status, (early.body as { error: { code: string } }).error.code]).toEqual([400, "OutOfOrderRelease"]);
    expect((await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.39.0", preview: true })).status).toBe(400);
    expect(kernel.events.ofType("Microsoft.ContainerService.NewKubernetesVersionAvailable")).toEqual([]);
    const ga = await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.37.0" });
    expect(ga.status).toBe(200);
    const available = kernel.events.ofType("Microsoft.ContainerService.NewKubernetesVersionAvailable");
    expect(available.map((e) => e.subject)).toEqual(DEMO);
    expect(available[0]?.data).toEqual({
      latestSupportedKubernetesVersion: "1.37.0", latestStableKubernetesVersion: "1.36.2",
      lowestMinorKubernetesVersion: "1.34.7", latestPreviewKubernetesVersion: ""
    });
    expect((await f.raw("POST", "/_sim/kubernetes-releases", { version: "1.38.0", preview: true })).status).toBe(201);
  });

  it("keeps the fleet and an in-flight upgrade across a restart (state in <dataDir>/azure-sim.json)", async () => {
    const clock = new VirtualClock("2026-11-02T08:00:00Z");
    const first = await startFixture({ seed: "demo", clock });
    const dataDir = first.dataDir;
    const client = aksClient(first);
    const upgrade = await client.agentPools.beginUpgradeNodeImageVersion("rg-aks-dev", "aks-dev", "user", { updateIntervalInMs: 0 });
    const state = await upgrade.serialize();
    await first.sim.stop();
    first.agent.destroy();

    // Same port, as `npm start` uses: the serialized poller holds absolute operation URLs.
    f = await startFixture({ seed: "demo", clock, port: Number(new URL(first.sim.baseUrl).port) }, dataDir);
    const again = aksClient(f);
    const names = [];
    for await (const c of again.managedClusters.list()) names.push(c.name);
    expect(names).toEqual(DEMO);
    // The operation resumes on the new simulator: a poller restored in a new client sees it finish.
    const resumed = restorePoller(again, state, again.agentPools.upgradeNodeImageVersion, { updateIntervalInMs: 0 });
    await clock.advance(30 * 60_000);
    await resumed.pollUntilDone();
    expect((await again.agentPools.get("rg-aks-dev", "aks-dev", "user")).provisioningState).toBe("Succeeded");
    expect(f.sim.kernel.events.ofType("Microsoft.ContainerService.NodePoolRollingSucceeded").map((e) => e.subject)).toEqual(["aks-dev"]);
    await f.close();
    f = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("completes beginCreateOrUpdateAndWait while the virtual clock is driven", async () => {
    f = await startFixture();
    await createResourceGroup(f, "rg-w");
    const client = aksClient(f);
    const created = await driveUntilSettled(f.clock,
      client.managedClusters.beginCreateOrUpdateAndWait("rg-w", "aks-wait", clusterSpec("1.36.2"), { updateIntervalInMs: 0 }), 30_000);
    expect(created.provisioningState).toBe("Succeeded");
    expect(f.clock.now() - new Date("2026-11-02T08:00:00Z").getTime()).toBeGreaterThanOrEqual(5 * 60_000);
  });
});
