import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";


const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-t`;
const GW = `${RG}/providers/Microsoft.Network/applicationGateways/apw-t`;
const ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-gw`;
const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-t`;

/** App Gateway certificates from Key Vault are read with the gateway's identity when it is written (BASELINE.md §3 V18). */
describe("App Gateway certificates from Key Vault", () => {
  let f: SimFixture;
  const arm = (method: string, path: string, body?: unknown) => f.raw(method, path, body, { authorization: "Bearer simulator-token" });
  beforeEach(async () => {
    f = await startFixture();
    await arm("PUT", `${RG}?api-version=2025-04-01`, { location: "westeurope" });
    await arm("PUT", `${ID}?api-version=2023-01-31`, { location: "westeurope" });
    const vault = await arm("PUT", `${KV}?api-version=2023-07-01`, { location: "westeurope", properties: { tenantId: "00000000-0000-0000-0000-000000000000", sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } });
    expect(vault.status).toBeLessThan(300);
    await f.clock.advance(60_000);
  });
  afterEach(async () => { await f.close(); });

  const gateway = () => arm("PUT", `${GW}?api-version=2025-05-01`, {
    location: "westeurope", identity: { type: "UserAssigned", userAssignedIdentities: { [ID]: {} } },
    properties: { sku: { name: "WAF_v2", tier: "WAF_v2" }, sslCertificates: [{ name: "c", properties: { keyVaultSecretId: "https://kv-t.vault.azure.net/secrets/cert" } }] }
  });

  it("is refused while the gateway's identity has no secret-reading role on the vault", async () => {
    const res = await gateway();
    expect(res.status).toBe(400);
    expect((res.body as { error: { code: string } }).error.code).toBe("ApplicationGatewayKeyVaultSecretException");
  });

  it("is accepted once the identity holds Key Vault Secrets User on the vault", async () => {
    const principal = ((await arm("GET", `${ID}?api-version=2023-01-31`)).body as { properties: { principalId: string } }).properties.principalId;
    const ra = await arm("PUT", `${KV}/providers/Microsoft.Authorization/roleAssignments/6d1b1a1e-0000-4000-8000-000000000001?api-version=2022-04-01`, {
      properties: { roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`, principalId: principal, principalType: "ServicePrincipal" }
    });
    expect(ra.status).toBe(201);
    // The secret must exist too (SecretNotFound), then the gateway is written.
    const missing = await gateway();
    expect([missing.status, (missing.body as { error: { code: string; message: string } }).error.message]).toEqual([400, expect.stringContaining("SecretNotFound")]);
    expect((await arm("PUT", `${KV}/secrets/cert?api-version=2023-07-01`, { properties: { value: "cGZ4", contentType: "application/x-pkcs12" } })).status).toBe(201);
    expect((await gateway()).status).toBe(201);
  });
});
