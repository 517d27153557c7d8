import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { RestError } from "@azure/core-rest-pipeline";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "./aks-fixture";

const AUTH = { authorization: "Bearer t" };

describe("AKS protocol: eTags, api-versions, request content, Retry-After, abort, credentials", () => {
  let f: SimFixture;
  let client: ContainerServiceClient;
  const cluster = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-x/providers/Microsoft.ContainerService/managedClusters/aks-x`;
  beforeEach(async () => {
    f = await startFixture();
    client = aksClient(f);
    await createResourceGroup(f, "rg-x");
  });
  afterEach(async () => { await f.close(); });

  it("gives clusters and pools an eTag, and answers a stale If-Match with 412 without starting anything", async () => {
    const created = await createCluster(f, "rg-x", "aks-x", clusterSpec("1.35.4"));
    expect(created.eTag).toMatch(/^[0-9a-f-]{36}$/);
    const pool = await client.agentPools.get("rg-x", "aks-x", "user");
    expect(pool.eTag).toMatch(/^[0-9a-f-]{36}$/);
    const stale = await f.raw("PUT", `${cluster}?api-version=2026-06-01`, { location: "westeurope", properties: { kubernetesVersion: "1.36.2" } }, { ...AUTH, "if-match": "\"not-the-etag\"" });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "PreconditionFailed" });
    expect((await client.managedClusters.get("rg-x", "aks-x")).provisioningState).toBe("Succeeded");
    const poolStale = await f.raw("PUT", `${cluster}/agentPools/user?api-version=2026-06-01`, { properties: { count: 3 } }, { ...AUTH, "if-match": "nope" });
    expect(poolStale.status).toBe(412);
    expect((await f.raw("PUT", `${cluster}?api-version=2026-06-01`, { location: "westeurope", properties: {} }, { ...AUTH, "if-none-match": "*" })).status).toBe(412);

    // The SDK sends If-Match from its options; the current eTag is accepted and a new one issued.
    const poller = await client.managedClusters.beginCreateOrUpdate("rg-x", "aks-x", { ...created, kubernetesVersion: "1.35.4" }, { ifMatch: created.eTag, updateIntervalInMs: 0 });
    await f.clock.advance(10 * 60_000);
    const updated = await poller.pollUntilDone();
    expect(updated.eTag).not.toBe(created.eTag);
  });

  it("refuses an unknown or malformed api-version with InvalidApiVersionParameter", async () => {
    const unknown = await f.raw("GET", `${cluster}?api-version=2099-01-01`, undefined, AUTH);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: "InvalidApiVersionParameter" } });
    expect((unknown.body as { error: { message: string } }).error.message).toMatch(/^The api-version '2099-01-01' is invalid\. The supported versions are '.*2026-06-01.*'\.$/);
    const malformed = await f.raw("GET", `/subscriptions/${SUBSCRIPTION}/resourcegroups?api-version=latest`, undefined, AUTH);
    expect([malformed.status, (malformed.body as { error: { code: string } }).error.code]).toEqual([400, "InvalidApiVersionParameter"]);
  });

  it("answers a body that is not JSON with InvalidRequestContent", async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // f.raw serialises JSON; this sends broken text on purpose.
      void import("node:https").then(({ request }) => {
        const req = request(new URL(`${cluster}?api-version=2026-06-01`, f.sim.baseUrl), { method: "PUT", agent: f.agent, headers: { ...AUTH, "content-type": "application/json" } }, (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("error", reject);
        req.end("{\"location\": \"westeurope\",");
      });
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "InvalidRequestContent" } });
  });

  it("advises Retry-After on long-running operations when configured", async () => {
    f.sim.kernel.lro.retryAfterSeconds = 10;
    const put = await f.raw("PUT", `${cluster}?api-version=2026-06-01`, { location: "westeurope", properties: clusterSpec("1.35.4") }, AUTH);
    expect(put.status).toBe(201);
    expect(put.headers["retry-after"]).toBe("10");
    const status = await f.raw("GET", String(put.headers["azure-asyncoperation"]).replace(f.sim.baseUrl, ""), undefined, AUTH);
    expect(status.headers["retry-after"]).toBe("10");
  });

  it("aborts the running operation (operation-abort): the operation ends Canceled and the cluster too", async () => {
    await createCluster(f, "rg-x", "aks-x", clusterSpec("1.35.4"));
    const upgrade = await client.managedClusters.beginCreateOrUpdate("rg-x", "aks-x", clusterSpec("1.36.2"), { updateIntervalInMs: 0 });
    await f.clock.advance(60_000);
    const abort = await client.managedClusters.beginAbortLatestOperation("rg-x", "aks-x", { updateIntervalInMs: 0 });
    await f.clock.advance(60_000);
    await abort.pollUntilDone();
    await expect(upgrade.pollUntilDone()).rejects.toThrow(/canceled/i);
    const after = await client.managedClusters.get("rg-x", "aks-x");
    expect([after.provisioningState, after.currentKubernetesVersion]).toEqual(["Canceled", "1.35.4"]);
    // Nothing runs now: a new operation is accepted, and another abort has nothing to do (204).
    expect((await f.raw("POST", `${cluster}/abort?api-version=2026-06-01`, undefined, AUTH)).status).toBe(204);
    const scale = await client.agentPools.beginCreateOrUpdate("rg-x", "aks-x", "user", { count: 3, mode: "User" }, { updateIntervalInMs: 0 });
    await f.clock.advance(10 * 60_000);
    expect((await scale.pollUntilDone()).count).toBe(3);
  });

  it("lists user credentials, and refuses static credentials when local accounts are disabled (BadRequest)", async () => {
    await createCluster(f, "rg-x", "aks-x", clusterSpec("1.35.4"));
    const user = await client.managedClusters.listClusterUserCredentials("rg-x", "aks-x");
    expect(Buffer.from(user.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8")).toContain("server: https://");
    await createCluster(f, "rg-x", "aks-local", { ...clusterSpec("1.35.4"), disableLocalAccounts: true });
    const err = await client.managedClusters.listClusterUserCredentials("rg-x", "aks-local").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect([(err as RestError).statusCode, (err as RestError).code]).toEqual([400, "BadRequest"]);
    await createCluster(f, "rg-x", "aks-aad", { ...clusterSpec("1.35.4"), disableLocalAccounts: true, aadProfile: { managed: true, enableAzureRbac: true } });
    const aad = await client.managedClusters.listClusterUserCredentials("rg-x", "aks-aad");
    expect(Buffer.from(aad.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8")).toContain("kubelogin");
    const admin = await client.managedClusters.listClusterAdminCredentials("rg-x", "aks-aad").catch((e: unknown) => e);
    expect((admin as RestError).message).toBe("Getting static credential is not allowed because this cluster is set to disable local accounts.");
  });

  it("exposes the kubelet identity in the node resource group and the OIDC issuer", async () => {
    const c = await createCluster(f, "rg-x", "aks-x", { ...clusterSpec("1.35.4"), identity: { type: "SystemAssigned" }, oidcIssuerProfile: { enabled: true } });
    const kubelet = c.identityProfile?.kubeletidentity;
    expect(kubelet?.resourceId).toBe(`/subscriptions/${SUBSCRIPTION}/resourcegroups/MC_rg-x_aks-x_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-x-agentpool`);
    expect(kubelet?.objectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/[0-9a-f-]{36}\/[0-9a-f]{8}\/$/);
  });

  it("answers any ARM operation under a serverError fault's target with a 5xx", async () => {
    await f.raw("POST", "/_sim/faults", { kind: "serverError", target: cluster, status: 503, count: 4 });
    const res = await f.raw("GET", `${cluster}?api-version=2026-06-01`, undefined, AUTH);
    expect([res.status, (res.body as { error: { code: string } }).error.code, res.headers["retry-after"]]).toEqual([503, "ServiceUnavailable", "1"]);
    expect((await f.raw("GET", `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-x?api-version=2021-04-01`, undefined, AUTH)).status).toBe(200);
  });
});
