/**
 * Issue 26 items 1-3 (the simulator answers what Azure answers), through the real SDK clients:
 * - a role assignment scoped to a Kubernetes namespace of a cluster (learn.microsoft.com/azure/aks/manage-azure-rbac:
 *   `--scope $AKS_ID/namespaces/<namespace-name>`; mspnp/aks-baseline cluster-stamp.bicep grants AKS RBAC Reader on `nsA0008`);
 * - the node resource group AKS creates, managed by the cluster, holding the kubelet identity, deleted with it
 *   (AKS FAQ "Why are two resource groups created with AKS?");
 * - Key Vault secrets through ARM: no location in the request, `attributes`, `secretUri`, `secretUriWithVersion`,
 *   the value never returned (createSecret.json / getSecret.json, Microsoft.KeyVault stable 2023-07-01).
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";
import { aksClient, clusterSpec, createCluster, createResourceGroup } from "../aks/aks-fixture";

const TENANT = "00000000-0000-0000-0000-000000000000";
const ROLE = (id: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const RBAC_READER = "7f6c6a51-bcf8-42ba-9220-52d62157d7db";
const VM_CONTRIBUTOR = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";

async function failure(p: Promise<unknown>): Promise<{ status?: number; code?: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RestError) return { status: err.statusCode, code: err.code };
    throw err;
  }
  return {};
}

describe("simulator round 3: namespace scopes, the node resource group, Key Vault secrets", () => {
  let f: SimFixture;
  beforeEach(async () => { f = await startFixture(); await createResourceGroup(f, "rg-t"); });
  afterEach(async () => { await f.close(); });

  it("assigns a role at a cluster's Kubernetes namespace, and at the node resource group to the kubelet identity; the group goes with the cluster", async () => {
    const spec = { ...clusterSpec("1.35.4"), nodeResourceGroup: "rg-t-nodes" };
    const mc = await createCluster(f, "rg-t", "aks-t", spec);
    const auth = new AuthorizationManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const group = "5a1e1d3e-0000-4000-8000-00000000a008";
    await f.raw("POST", "/_sim/directory", { objectId: group, type: "Group" });

    const nsScope = `${mc.id}/namespaces/a0008`;
    // A group the directory does not know is refused as Azure refuses it (PrincipalNotFound, 400), principalType or not.
    expect(await failure(auth.roleAssignments.create(mc.id ?? "", "6b4f1a2c-0000-4000-8000-000000000000", { roleDefinitionId: ROLE("b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"), principalId: "5a1e1d3e-0000-4000-8000-0000000000ff", principalType: "Group" }))).toEqual({ status: 400, code: "PrincipalNotFound" });
    const ra = await auth.roleAssignments.create(nsScope, "6b4f1a2c-1111-4111-8111-111111111111", { roleDefinitionId: ROLE(RBAC_READER), principalId: group, principalType: "Group" });
    expect([ra.scope, ra.principalType]).toEqual([nsScope, "Group"]);
    const listed = [];
    for await (const r of auth.roleAssignments.listForScope(nsScope)) listed.push(r.name);
    expect(listed).toEqual(["6b4f1a2c-1111-4111-8111-111111111111"]);
    // A namespace of a cluster that does not exist is still a 404.
    const missing = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-t/providers/Microsoft.ContainerService/managedClusters/nope/namespaces/a0008`;
    expect(await failure(auth.roleAssignments.create(missing, "6b4f1a2c-2222-4222-8222-222222222222", { roleDefinitionId: ROLE(RBAC_READER), principalId: group, principalType: "Group" }))).toMatchObject({ status: 404 });

    // The node resource group: managed by the cluster, the kubelet identity in it, a role assignment there works.
    const rm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const nodeRg = await rm.resourceGroups.get("rg-t-nodes");
    expect(nodeRg.managedBy?.toLowerCase()).toBe(mc.id?.toLowerCase());
    const kubelet = mc.identityProfile?.["kubeletidentity"];
    const ids = [];
    for await (const r of rm.resources.listByResourceGroup("rg-t-nodes")) ids.push(r.id?.toLowerCase());
    expect(ids).toContain(kubelet?.resourceId?.toLowerCase());
    const vmc = await auth.roleAssignments.create(nodeRg.id ?? "", "6b4f1a2c-3333-4333-8333-333333333333", { roleDefinitionId: ROLE(VM_CONTRIBUTOR), principalId: kubelet?.objectId ?? "", principalType: "ServicePrincipal" });
    expect(vmc.scope).toBe(nodeRg.id);

    const poller = await aksClient(f).managedClusters.beginDelete("rg-t", "aks-t", { updateIntervalInMs: 0 });
    await f.clock.advance(60 * 60_000);
    await poller.pollUntilDone();
    expect(await failure(rm.resourceGroups.get("rg-t-nodes"))).toMatchObject({ status: 404, code: "ResourceGroupNotFound" });
  });

  it("Key Vault secrets: created without a location, answered with attributes, secretUri and a new secretUriWithVersion per write, never the value", async () => {
    const kv = new KeyVaultManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    const poller = kv.vaults.createOrUpdate("rg-t", "kv-t-01", { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } }, { updateIntervalInMs: 0 });
    await poller.submitted();
    await f.clock.advance(60_000);
    await poller.pollUntilDone();
    const created = await kv.secrets.createOrUpdate("rg-t", "kv-t-01", "gateway-external-pfx-cert", { properties: { value: "c2VjcmV0LW1hdGVyaWFs", contentType: "application/x-pkcs12" } });
    expect(created.properties.secretUri).toBe("https://kv-t-01.vault.azure.net/secrets/gateway-external-pfx-cert");
    expect(created.properties.secretUriWithVersion).toMatch(/^https:\/\/kv-t-01\.vault\.azure\.net\/secrets\/gateway-external-pfx-cert\/[0-9a-f]{32}$/);
    expect(created.properties.attributes?.enabled).toBe(true);
    expect(created.location).toBe("westeurope");
    await f.clock.advance(1000);
    const again = await kv.secrets.createOrUpdate("rg-t", "kv-t-01", "gateway-external-pfx-cert", { properties: { value: "bmV3LW1hdGVyaWFs" } });
    expect(again.properties.secretUriWithVersion).not.toBe(created.properties.secretUriWithVersion);
    const read = await kv.secrets.get("rg-t", "kv-t-01", "gateway-external-pfx-cert");
    expect(read.properties.value).toBeUndefined();
    expect(JSON.stringify(await f.raw("GET", `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-t/providers/Microsoft.KeyVault/vaults/kv-t-01/secrets/gateway-external-pfx-cert?api-version=2023-07-01`))).not.toContain("bmV3LW1hdGVyaWFs");
  });
});
