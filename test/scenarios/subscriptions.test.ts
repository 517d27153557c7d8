/**
 * Issue 31's acceptance on the whole local platform: the demo fleet spans two managed subscriptions
 * (aks-staging in the second). A cluster is adopted and one provisioned in the second subscription;
 * a release upgrades clusters in both; a resource event in the second is governed; a cluster in a
 * subscription the platform does not manage gets 400 naming it and the managed set, with nothing written.
 */
import { ConsumptionManagementClient } from "@azure/arm-consumption";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { DEMO_SECOND_SUBSCRIPTION_ID } from "../../local/azure";
import type { RequestRecord } from "../../local/azure/kernel/stats";
import { LocalTokenCredential } from "../../shared/azure";
import { PLATFORM_BUDGET } from "../../shared/domain/governance/desired";
import type { ClusterRecord, OperationRecord } from "../../shared/store";
import { advance, api, approvalCards, approveUrl, decide, operationWith, sim, startHarness, waitFor, type Harness } from "../platform/support";

const SECOND = DEMO_SECOND_SUBSCRIPTION_ID;
const UNMANAGED = "00000000-0000-0000-0000-0000000000ff";
const ADMINS = "6b1e0000-0000-4000-8000-0000000000b1";

describe("fleets across subscriptions (issue 31)", () => {
  let h: Harness;
  let aks2: ContainerServiceClient;
  let consumption: ConsumptionManagementClient;
  const requests: RequestRecord[] = [];
  const stagingId = `/subscriptions/${SECOND}/resourceGroups/rg-aks-staging/providers/Microsoft.ContainerService/managedClusters/aks-staging`;

  beforeAll(async () => {
    h = await startHarness({ demoSubscriptions: 2 });
    h.platform.azure.kernel.stats.on("response", (r) => requests.push(r));
    const agent = new Agent({ ca: readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8") });
    const base = h.platform.azure.baseUrl;
    const additionalPolicies = [{ policy: agentPolicy(agent), position: "perCall" as const }];
    aks2 = new ContainerServiceClient(new LocalTokenCredential(), SECOND, { endpoint: base, credentials: { scopes: [`${base}/.default`] }, additionalPolicies });
    consumption = new ConsumptionManagementClient(new LocalTokenCredential(), SECOND, { endpoint: base, $host: base, credentialScopes: [`${base}/.default`], additionalPolicies });
    expect((await sim(h, "POST", "/_sim/directory", { objectId: ADMINS, type: "Group" })).status).toBe(201);
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("manages both subscriptions: AZURE_SUBSCRIPTION_IDS names them, and the cluster in the second is adopted with its own Event Grid topics there", async () => {
    expect(h.platform.settings.AZURE_SUBSCRIPTION_IDS).toBe(`${h.subscriptionId},${SECOND}`);
    const adoption = await operationWith(h, "adopt:aks-staging", (op) => op.status === "Succeeded", "aks-staging's adoption", 30 * 60_000);
    expect(adoption.steps.every((s) => s.status === "Succeeded")).toBe(true);
    const record = (await api<ClusterRecord>(h, "GET", "/clusters/aks-staging")).body;
    expect(record.resourceId).toBe(stagingId);
    // The cluster's system topic (cluster events) and its resource group's (resource events), both in the second subscription.
    const topics = h.platform.azure.kernel.store.list({ type: "Microsoft.EventGrid/systemTopics" }).map((t) => t.id.toLowerCase());
    expect(topics.filter((t) => t.startsWith(`/subscriptions/${SECOND}/resourcegroups/rg-aks-staging/`))).toHaveLength(2);
    // Every ARM request about aks-staging went to its own subscription.
    const aboutStaging = requests.filter((r) => /\/resourceGroups\/rg-aks-staging\b/i.test(r.path));
    expect(aboutStaging.length).toBeGreaterThan(0);
    expect(aboutStaging.every((r) => r.subscriptionId?.toLowerCase() === SECOND)).toBe(true);
  });

  it("a cluster in a subscription the platform does not manage gets 400 naming it and the managed set; nothing is written", async () => {
    const foreign = `/subscriptions/${UNMANAGED}/resourceGroups/rg-x/providers/Microsoft.ContainerService/managedClusters/aks-foreign`;
    const adopt = await api<{ error: { code: string; message: string; fields: { field: string }[] }; managedSubscriptions: string[] }>(h, "POST", "/clusters/adopt", { resourceId: foreign, environment: "dev" });
    expect(adopt.status).toBe(400);
    expect(adopt.body.error.code).toBe("SubscriptionNotManaged");
    expect(adopt.body.error.fields.map((f) => f.field)).toEqual(["resourceId"]);
    expect(adopt.body.error.message).toContain(UNMANAGED);
    expect(adopt.body.error.message).toContain(`${h.subscriptionId}, ${SECOND}`);
    expect(adopt.body.managedSubscriptions).toEqual([h.subscriptionId, SECOND]);
    expect((await api(h, "GET", "/clusters/aks-foreign")).status).toBe(404);

    const provision = await api<{ error: { message: string; fields: { field: string; message: string }[] } }>(h, "POST", "/clusters", {
      name: "aks-x1", environment: "dev", location: "westeurope", subscriptionId: UNMANAGED.toUpperCase(),
      network: { hubAddressSpace: "10.210.0.0/24", spokeAddressSpace: "10.250.0.0/16" }, access: { adminGroupObjectIds: [ADMINS] }, bogus: 1
    });
    expect(provision.status).toBe(400);
    // Named with the request's other problems.
    expect(provision.body.error.fields.map((f) => f.field).sort()).toEqual(["bogus", "subscriptionId"]);
    expect(provision.body.error.fields.find((f) => f.field === "subscriptionId")?.message).toContain(`subscription ${UNMANAGED} is not managed by this platform (managed: ${h.subscriptionId}, ${SECOND}; from AZURE_SUBSCRIPTION_IDS)`);
    expect((await api(h, "GET", "/clusters/aks-x1")).status).toBe(404);
    expect((await api(h, "POST", "/clusters", { name: "aks-x1", environment: "dev", location: "westeurope", subscriptionId: "not-a-guid", network: { spokeAddressSpace: "10.250.0.0/16" } })).status).toBe(400);
  });

  it("provisions a dev cluster in the second subscription, registers and adopts it there", async () => {
    const body = {
      name: "aks-s2", environment: "dev", location: "westeurope", subscriptionId: SECOND,
      network: { hubAddressSpace: "10.204.0.0/24", spokeAddressSpace: "10.243.0.0/16" }, access: { adminGroupObjectIds: [ADMINS] }
    };
    const started = await api<{ operationId: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    const done = await operationWith(h, started.body.operationId, (op) => op.status === "Succeeded" || op.status === "Failed", "provisioning in the second subscription", 6 * 3600_000);
    expect([done.status, done.outcome?.message]).toEqual(["Succeeded", expect.anything()]);
    const mc = await aks2.managedClusters.get("rg-aks-s2", "aks-s2");
    expect(mc.provisioningState).toBe("Succeeded");
    // Nothing of it in the home subscription.
    expect(h.platform.azure.kernel.store.list({ prefix: `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-s2` })).toEqual([]);
    await operationWith(h, "adopt:aks-s2", (op) => op.status === "Succeeded", "aks-s2's adoption", 60 * 60_000);
    const record = (await api<ClusterRecord>(h, "GET", "/clusters/aks-s2")).body;
    expect(record.resourceId.toLowerCase()).toBe(`/subscriptions/${SECOND}/resourcegroups/rg-aks-s2/providers/microsoft.containerservice/managedclusters/aks-s2`);
  });

  it("a resource event in the second subscription is governed: aks-staging's budget deleted through ARM is recreated", async () => {
    const scope = `/subscriptions/${SECOND}/resourceGroups/rg-aks-staging`;
    await consumption.budgets.delete(scope, PLATFORM_BUDGET);
    const budget = await waitFor(h, "the budget recreated", () => consumption.budgets.get(scope, PLATFORM_BUDGET).catch(() => undefined), 10 * 60_000, 5_000);
    expect(budget).toMatchObject({ amount: 3000, timeGrain: "Monthly" });
    const ops = (await api<{ value: OperationRecord[] }>(h, "GET", "/operations?clusterId=aks-staging")).body.value;
    expect(ops.find((o) => o.kind === "governance" && o.trigger.type === "event")).toMatchObject({ status: "Succeeded" });
  });

  it("a release upgrades clusters in both subscriptions", async () => {
    expect((await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" })).status).toBe(201);
    const card = await waitFor(h, "aks-staging's approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    expect((await decide(approveUrl(card), "approve", "alice", "go")).status).toBe(200);
    await operationWith(h, "k8s-upgrade:aks-dev:1.36.3", (op) => op.status === "Succeeded", "aks-dev's upgrade");
    const staging = await operationWith(h, "k8s-upgrade:aks-staging:1.36.3", (op) => op.status === "Succeeded", "aks-staging's upgrade", 6 * 3600_000);
    expect(staging.steps.every((s) => s.status === "Succeeded")).toBe(true);
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).currentKubernetesVersion).toBe("1.36.3");
    const upgraded = await aks2.managedClusters.get("rg-aks-staging", "aks-staging");
    expect(upgraded.currentKubernetesVersion).toBe("1.36.3");
    expect(upgraded.agentPoolProfiles?.map((p) => p.currentOrchestratorVersion)).toEqual(["1.36.3", "1.36.3"]);
  });
});
