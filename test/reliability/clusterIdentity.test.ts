/**
 * Issue 24 items 1, 3, 11 and 12 (first part), through the public contracts of the whole local
 * platform (host, simulator, embedded Cosmos on a virtual clock): a case variant of a name never
 * takes over a cluster; a Cosmos 429 between the registry write and the operation write never makes
 * a name unusable, and a provisioning is a cluster only once it exists; provisioning input is
 * checked against the region's versions and the node subnet before anything is written; a failed
 * provisioning's Teams card says what failed.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { ResourceManagementClient } from "@azure/arm-resources";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { createCosmosClient, LocalTokenCredential } from "../../shared/azure";
import { ContainerNames, createStore, type ClusterRecord, type Store } from "../../shared/store";
import {
  advance, api, armStats, cardText, clusterResourceId, operation, operationWith, sim, startHarness, teamsMessages, deliverEvents, type Harness
} from "../platform/support";

type Problem = { error?: { code?: string; message?: string; fields?: { field: string; message: string }[] } };

/** ARM writes so far (every PUT, PATCH, POST action and DELETE the simulator answered). */
function armWrites(stats: Record<string, Record<string, number>>): number {
  return Object.entries(stats).filter(([name]) => !/_(Get|List\w*)$/.test(name))
    .reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

const devRequest = (name: string, hub: string, spoke: string, overrides?: Record<string, unknown>) => ({
  name, environment: "dev", location: "westeurope", network: { hubAddressSpace: hub, spokeAddressSpace: spoke }, ...(overrides ? { overrides } : {})
});

describe("cluster identity and provisioning safety (issue 24)", () => {
  let h: Harness;
  let store: Store;
  let cosmosClient: ReturnType<typeof createCosmosClient>;

  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
    const cosmos = h.platform.cosmos;
    cosmosClient = createCosmosClient({ mode: "local", cosmos: { endpoint: cosmos.endpoint, database: "aksops", key: cosmos.key }, localCaPath: cosmos.caPath });
    store = createStore(cosmosClient, "aksops", h.clock);
  });
  afterAll(async () => { await h.stop(); });

  it("1: a case variant of a name never takes over the cluster: 409 with nothing written, one record per resource id, events to one record", async () => {
    const prodId = clusterResourceId(h, "aks-prod");
    const before = await armStats(h);
    const clustersBefore = (await api<{ value: ClusterRecord[] }>(h, "GET", "/clusters")).body.value.map((c) => c.id);
    // The probe's repro: the dev baseline under the prod cluster's name in capitals.
    const taken = await api<Problem>(h, "POST", "/clusters", devRequest("AKS-PROD", "10.210.0.0/24", "10.211.0.0/16"));
    expect(taken.status).toBe(409);
    expect(taken.body.error?.code).toBe("ClusterNameTaken");
    expect(taken.body.error?.message).toContain("aks-prod");
    await advance(h, 30 * 60_000);
    expect(armWrites(await armStats(h))).toBe(armWrites(before));
    expect((await api<{ value: ClusterRecord[] }>(h, "GET", "/clusters")).body.value.map((c) => c.id)).toEqual(clustersBefore);
    expect((await api(h, "GET", `/operations/${encodeURIComponent("provision:AKS-PROD")}`)).status).toBe(404);
    const prod = await h.aks.managedClusters.get("rg-aks-prod", "aks-prod");
    expect([prod.sku?.tier, prod.agentPoolProfiles?.length]).toEqual(["Standard", 2]);

    // Any case of the name reaches the one record.
    const got = await api<{ id: string; resourceId: string; environment: string }>(h, "GET", "/clusters/AKS-Prod");
    expect(got.status).toBe(200);
    expect([got.body.id, got.body.environment]).toEqual(["aks-prod", "prod"]);
    expect((await api<{ clusterId: string }>(h, "GET", "/clusters/AKS-PROD/conformance")).body.clusterId).toBe("aks-prod");

    // Adopting the same cluster spelled in capitals is the same record, never a second one.
    const shouted = prodId.replace(/resourceGroups\/rg-aks-prod/, "resourceGroups/RG-AKS-PROD").replace(/managedClusters\/aks-prod$/, "managedClusters/AKS-PROD");
    const adopted = await api<{ clusterId: string }>(h, "POST", "/clusters/adopt", { resourceId: shouted, environment: "prod" });
    expect([200, 202]).toContain(adopted.status);
    expect(adopted.body.clusterId).toBe("aks-prod");
    const owners = (await api<{ value: ClusterRecord[] }>(h, "GET", "/clusters")).body.value.filter((c) => c.resourceId.toLowerCase() === prodId.toLowerCase());
    expect(owners.map((c) => c.id)).toEqual(["aks-prod"]);

    // A second record for the resource id (what a registry from before case-insensitive names may
    // hold) is never acted on: an event for the cluster routes to its first record only.
    const first = (await store.clusters.get("aks-prod"))!.doc;
    const clusters = cosmosClient.database("aksops").container(ContainerNames.clusters);
    await clusters.items.create({
      ...first, id: "AKS-PROD", environment: "dev", policy: { ...first.policy, approval: "none" }, lock: { queue: [] },
      createdAt: new Date(h.clock.now()).toISOString(), updatedAt: new Date(h.clock.now()).toISOString()
    });
    const event = {
      id: "identity-evt-1", topic: prodId, subject: "aks-prod", eventType: "Microsoft.ContainerService.ClusterSupportEnding",
      eventTime: new Date(h.clock.now()).toISOString(), dataVersion: "1", data: { kubernetesVersion: prod.kubernetesVersion }
    };
    const delivered = await deliverEvents(h, [event]);
    expect(delivered.status).toBe(202);
    await advance(h, 5 * 60_000);
    const recorded = (await store.events.get("identity-evt-1"))?.doc;
    expect(recorded?.clusterId).toBe("aks-prod");
    expect(JSON.stringify(recorded)).not.toContain("AKS-PROD");
    const ops = await api<{ value: { clusterId: string }[] }>(h, "GET", "/operations");
    expect(ops.body.value.filter((o) => o.clusterId === "AKS-PROD")).toEqual([]);
    expect((await api<{ value: ClusterRecord[] }>(h, "GET", "/clusters")).body.value.filter((c) => c.resourceId.toLowerCase() === prodId.toLowerCase()).map((c) => c.id)).toEqual(["aks-prod"]);
    await clusters.item("AKS-PROD", "AKS-PROD").delete();
  });

  it("1: a managed cluster that exists in ARM without this provisioning having created it is an adoption: 409, nothing written", async () => {
    // Someone created aks-orphan by hand; nobody adopted it.
    const agent = new Agent({ ca: readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8") });
    const base = h.platform.azure.baseUrl;
    const resources = new ResourceManagementClient(new LocalTokenCredential(), h.subscriptionId, {
      endpoint: base, credentials: { scopes: [`${base}/.default`] }, additionalPolicies: [{ policy: agentPolicy(agent), position: "perCall" }]
    });
    await resources.resourceGroups.createOrUpdate("rg-aks-orphan", { location: "westeurope" });
    const template = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    const poller = await h.aks.managedClusters.beginCreateOrUpdate("rg-aks-orphan", "aks-orphan", {
      location: "westeurope", dnsPrefix: "aks-orphan", kubernetesVersion: template.kubernetesVersion,
      agentPoolProfiles: (template.agentPoolProfiles ?? []).map((p) => ({ name: p.name, mode: p.mode, count: p.count, vmSize: p.vmSize, osType: p.osType, orchestratorVersion: p.orchestratorVersion }))
    });
    await advance(h, 15 * 60_000);
    await poller.pollUntilDone();
    const before = await armStats(h);
    for (const name of ["aks-orphan", "AKS-ORPHAN"]) {
      const res = await api<Problem>(h, "POST", "/clusters", devRequest(name, "10.212.0.0/24", "10.213.0.0/16"));
      expect([res.status, res.body.error?.code]).toEqual([409, "ClusterExists"]);
      expect(res.body.error?.message).toContain(`managedClusters/${name}`);
      expect((await api(h, "GET", `/operations/${encodeURIComponent(`provision:${name}`)}`)).status).toBe(404);
      expect((await api(h, "GET", `/clusters/${name}`)).status).toBe(404);
    }
    await advance(h, 10 * 60_000);
    expect(armWrites(await armStats(h))).toBe(armWrites(before));
  });

  it("11: padded CIDRs, a Kubernetes version the region does not offer and more nodes than the node subnet holds are 400s naming each field, nothing written", async () => {
    const before = await armStats(h);
    const padded = await api<Problem>(h, "POST", "/clusters", devRequest("aks-pad", "10.214.0.0/24", " 10.215.0.0/16 "));
    expect(padded.status).toBe(400);
    expect(padded.body.error?.fields?.map((f) => f.field)).toEqual(["network.spokeAddressSpace"]);

    const version = await api<Problem>(h, "POST", "/clusters", devRequest("aks-ver", "10.214.0.0/24", "10.215.0.0/16", { kubernetesVersion: "1.20.4" }));
    expect(version.status).toBe(400);
    expect(version.body.error?.fields?.map((f) => f.field)).toEqual(["overrides.kubernetesVersion"]);
    // A version the region offers is not named (here beside an invalid field, so nothing starts).
    const offered = (await h.aks.managedClusters.listKubernetesVersions("westeurope")).values?.find((v) => !v.isPreview);
    const patch = Object.keys(offered?.patchVersions ?? {})[0]!;
    const good = await api<Problem>(h, "POST", "/clusters", devRequest("aks-ver", "10.214.0.0/24", "10.215.0.0/16\t", { kubernetesVersion: patch }));
    expect(good.body.error?.fields?.map((f) => f.field)).toEqual(["network.spokeAddressSpace"]);

    const nodes = await api<Problem>(h, "POST", "/clusters", devRequest("aks-big", "10.214.0.0/24", "10.215.0.0/16", { systemPool: { count: 1000 }, userPool: { count: 1000 } }));
    expect(nodes.status).toBe(400);
    const fields = nodes.body.error?.fields?.map((f) => f.field) ?? [];
    expect(fields).toEqual(expect.arrayContaining(["overrides.systemPool.count", "overrides.userPool.count"]));
    expect(nodes.body.error?.message).toContain("/22 node subnet");

    for (const name of ["aks-pad", "aks-ver", "aks-big"]) expect((await api(h, "GET", `/clusters/${name}`)).status).toBe(404);
    expect(armWrites(await armStats(h))).toBe(armWrites(before));
  });

  it("3: a Cosmos 429 between the registry write and the operation write leaves a state the same request resumes; the cluster is registered once it exists", async () => {
    const body = devRequest("aks-t3", "10.216.0.0/24", "10.217.0.0/16");
    // More refusals than the SDK's 9 retries: the operation write fails after the registry write.
    h.platform.cosmos.faults.throttle({ count: 10, retryAfterMs: 5, container: ContainerNames.operations });
    const throttled = await api<Problem>(h, "POST", "/clusters", body);
    expect(throttled.status).toBe(503);
    expect((await api(h, "GET", "/clusters/aks-t3")).status).toBe(404);
    const again = await api<{ operationId: string; resumed?: boolean }>(h, "POST", "/clusters", body);
    expect(again.status).toBe(202);
    const id = again.body.operationId;
    // While it is being provisioned it is not a cluster: not listed, not addressable as one.
    expect((await api<{ value: ClusterRecord[] }>(h, "GET", "/clusters")).body.value.map((c) => c.id)).not.toContain("aks-t3");
    expect((await api(h, "POST", "/clusters/aks-t3/upgrades", { kind: "nodeImage" })).status).toBe(404);
    await operationWith(h, id, (op) => op.status === "Succeeded", "the resumed provisioning to succeed", 6 * 3600_000);
    const registered = await api<{ id: string }>(h, "GET", "/clusters/aks-t3");
    expect([registered.status, registered.body.id]).toEqual([200, "aks-t3"]);
  });

  it("3: a provisioning whose AKS PUT failed is not registered as a cluster, and the same request carries on", async () => {
    const body = devRequest("aks-t3f", "10.218.0.0/24", "10.219.0.0/16");
    const clusterId = clusterResourceId(h, "aks-t3f");
    expect((await sim(h, "POST", "/_sim/faults", { kind: "badRequest", target: clusterId, method: "PUT", count: 1, code: "InsufficientSubnetSize", message: "The subnet cannot hold the pool" })).status).toBe(201);
    const started = await api<{ operationId: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    const failed = await operationWith(h, started.body.operationId, (op) => op.status === "Failed", "the AKS create to fail", 6 * 3600_000);
    expect(failed.steps.find((s) => s.status === "Failed")?.name).toMatch(/AKS cluster aks-t3f/);
    expect((await api(h, "GET", "/clusters/aks-t3f")).status).toBe(404);
    expect((await api<{ value: ClusterRecord[] }>(h, "GET", "/clusters")).body.value.map((c) => c.id)).not.toContain("aks-t3f");
    const rerun = await api<{ rerun?: boolean }>(h, "POST", "/clusters", body);
    expect([rerun.status, rerun.body.rerun]).toEqual([202, true]);
    await operationWith(h, started.body.operationId, (op) => op.status === "Succeeded", "the re-run to succeed", 6 * 3600_000);
    expect((await api(h, "GET", "/clusters/aks-t3f")).status).toBe(200);
  });

  it("12: a failed provisioning's Teams card says provisioning failed, not upgrade", async () => {
    const op = await operation(h, "provision:aks-t3f");
    expect(op.kind).toBe("provisioning");
    const cards = (await teamsMessages(h, "ops")).map(cardText).filter((t) => t.includes("aks-t3f"));
    expect(cards.some((t) => t.includes("Provisioning failed: aks-t3f (dev)") && t.includes("InsufficientSubnetSize"))).toBe(true);
    expect(cards.filter((t) => t.includes("Upgrade failed"))).toEqual([]);
  });
});
