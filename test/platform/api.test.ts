/** The platform API's contract at its edges: validation naming every field, 404/409/501, idempotent adoption, settings checked at start. */
import { VirtualClock } from "../../local/clock";
import { MemoryLogger, startHost } from "../../local/host";
import { advance, api, clusterResourceId, startHarness, tempDir, type Harness } from "./support";
import path from "node:path";

interface Problem { error: { code: string; fields?: { field: string; message: string }[] } }

describe("platform API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("400 names every invalid field of an adoption and writes nothing", async () => {
    const res = await api<Problem>(h, "POST", "/clusters/adopt", {
      resourceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", environment: "qa",
      policy: { approval: "sometimes", healthGate: { minNodesReadyRatio: 2 }, colour: "blue" }, extra: 1
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.map((f) => f.field).sort()).toEqual(["environment", "extra", "policy.approval", "policy.colour", "policy.healthGate.minNodesReadyRatio", "resourceId"]);
    expect((await api<{ value: unknown[] }>(h, "GET", "/clusters")).body.value).toHaveLength(3);
  });

  it("404 for a cluster ARM does not have, 200 for the same cluster again, 409 for another cluster of the same name", async () => {
    const missing = await api<Problem>(h, "POST", "/clusters/adopt", { resourceId: clusterResourceId(h, "aks-ghost"), environment: "dev" });
    expect([missing.status, missing.body.error.code]).toEqual([404, "ClusterNotFound"]);
    const again = await api<{ operationId: string; status: string }>(h, "POST", "/clusters/adopt", { resourceId: clusterResourceId(h, "aks-dev").toUpperCase(), environment: "dev" });
    expect([again.status, again.body.operationId, again.body.status]).toEqual([200, "adopt:aks-dev", "Succeeded"]);
    // Adopting again with overrides is how a cluster's policy changes later.
    const changed = await api<{ policyUpdated: boolean }>(h, "POST", "/clusters/adopt", { resourceId: clusterResourceId(h, "aks-dev"), environment: "dev", policy: { approval: "everyStep", approvalTimeoutMinutes: 30 } });
    expect([changed.status, changed.body.policyUpdated]).toEqual([200, true]);
    const view = await api<{ policy: { approval: string; approvalTimeoutMinutes: number; healthGate: { minNodesReadyRatio: number } } }>(h, "GET", "/clusters/aks-dev");
    expect(view.body.policy).toMatchObject({ approval: "everyStep", approvalTimeoutMinutes: 30, healthGate: { minNodesReadyRatio: 0.9 } });
    // Another aks-dev, in another resource group.
    const template = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    const poller = await h.aks.managedClusters.beginCreateOrUpdate("rg-aks-staging", "aks-dev", {
      location: template.location ?? "westeurope", dnsPrefix: "other",
      agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4ds_v5", osType: "Linux" }]
    });
    await advance(h, 10 * 60_000);
    await poller.pollUntilDone();
    const taken = await api<Problem>(h, "POST", "/clusters/adopt", { resourceId: `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-staging/providers/Microsoft.ContainerService/managedClusters/aks-dev`, environment: "staging" });
    expect([taken.status, taken.body.error.code]).toEqual([409, "ClusterNameTaken"]);
  });

  it("validates upgrade requests and operation queries", async () => {
    const bad = await api<Problem>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "os", targetVersion: "latest", force: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.field).sort()).toEqual(["force", "kind", "targetVersion"]);
    expect((await api<Problem>(h, "POST", "/clusters/aks-nope/upgrades", { kind: "kubernetes" })).status).toBe(404);
    const unknownTarget = await api<Problem>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "kubernetes", targetVersion: "1.29" });
    expect(unknownTarget.body.error.fields?.map((f) => f.field)).toEqual(["targetVersion"]);
    const downgrade = await api<Problem>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "kubernetes", targetVersion: "1.35.3" });
    // A downgrade is refused before anything starts, naming what ARM offers (issue 10).
    expect(downgrade.status).toBe(400);
    expect(downgrade.body.error.fields?.map((f) => f.field)).toEqual(["targetVersion"]);
    expect(downgrade.body.error.fields?.[0]?.message).toContain("1.35.3 would be a downgrade");
    await advance(h, 60_000);
    expect((await api(h, "GET", `/operations/${encodeURIComponent("k8s-upgrade:aks-dev:1.35.3")}`)).status).toBe(404);
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).currentKubernetesVersion).toBe("1.35.4");
    const query = await api<Problem>(h, "GET", "/operations?status=Done,Running");
    expect(query.body.error.fields).toEqual([expect.objectContaining({ field: "status" })]);
    const adoptions = await api<{ value: { id: string; status: string; clusterId: string }[] }>(h, "GET", "/operations?status=Succeeded&clusterId=aks-prod");
    // The adoption, and the governance remediations its last step started (issue 27), all Succeeded.
    expect(adoptions.body.value.map((o) => o.id)).toContain("adopt:aks-prod");
    expect(adoptions.body.value.every((o) => (o.id === "adopt:aks-prod" || o.id.startsWith("governance:aks-prod:")) && o.status === "Succeeded" && o.clusterId === "aks-prod")).toBe(true);
    expect((await api(h, "GET", "/operations/nope")).status).toBe(404);
  });

  it("refuses to start with a malformed setting, naming it", async () => {
    const settings = { ...h.platform.settings, APPROVAL_SIGNING_KEY: "short", COSMOS_ENDPOINT: "not a url" };
    const failure = await startHost({
      appDir: path.resolve(__dirname, "..", "..", ".."), clock: new VirtualClock(), settings, dataDir: tempDir("aksops-badsettings-"), logger: new MemoryLogger().log, extensions: []
    }).then(() => undefined, (err: unknown) => err as Error);
    expect(failure?.message).toMatch(/COSMOS_ENDPOINT.*APPROVAL_SIGNING_KEY|APPROVAL_SIGNING_KEY.*COSMOS_ENDPOINT/);
  });
});
