/**
 * Issue 26 item 11: an action group's secure webhook (`useAadAuth: true`) carries a Microsoft Entra
 * bearer token for the receiver's application, from the action groups app
 * (461e8683-5575-4561-ac7f-899cc907d62a, learn.microsoft.com/azure/azure-monitor/alerts/action-groups
 * "Secure webhook"), that the receiver validates locally against the published signing keys.
 */
import { verify } from "node:crypto";
import { createCluster, simRequest, startHarness, WebhookReceiver, type SimHarness } from "./harness";
import { ACTION_GROUPS_APP_ID, publicKeyOf } from "../../../local/azure/monitor";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP_OBJECT_ID = "d3bb868c-fe44-452c-aa26-769a6538c808";

describe("secure webhooks (issue 26 item 11)", () => {
  let h: SimHarness;
  let secure: WebhookReceiver;
  let plain: WebhookReceiver;
  const rg = "rg-aks-dev";
  beforeEach(async () => {
    h = await startHarness({ start: "2026-03-10T08:00:00Z" });
    secure = await new WebhookReceiver().start();
    plain = await new WebhookReceiver().start();
    await h.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
  });
  afterEach(async () => {
    await h.close();
    await secure.stop();
    await plain.stop();
  });

  it("sends a v1.0 Entra token for the receiver's application, signed with a key the simulator publishes; a plain webhook gets none", async () => {
    const group = await h.clients.monitor.actionGroups.createOrUpdate(rg, "ag-secure", {
      location: "Global", groupShortName: "secure", enabled: true,
      webhookReceivers: [
        { name: "secure", serviceUri: secure.url, useCommonAlertSchema: true, useAadAuth: true, objectId: APP_OBJECT_ID, identifierUri: "api://aksops-alerts", tenantId: TENANT },
        { name: "plain", serviceUri: plain.url, useCommonAlertSchema: true }
      ]
    });
    expect(group.webhookReceivers?.[0]).toMatchObject({ useAadAuth: true, identifierUri: "api://aksops-alerts", tenantId: TENANT });
    await createCluster(h, rg, "aks-dev");
    const scope = `subscriptions/${h.subscriptionId}/resourceGroups/${rg}`;
    await h.clients.consumption.budgets.createOrUpdate(scope, "aks-dev-monthly", {
      category: "Cost", amount: 20, timeGrain: "Monthly",
      timePeriod: { startDate: new Date("2026-03-01T00:00:00Z"), endDate: new Date("2027-02-28T00:00:00Z") },
      notifications: { Actual_GreaterThan_80_Percent: { enabled: true, operator: "GreaterThan", threshold: 80, contactEmails: [], contactGroups: [group.id ?? ""], thresholdType: "Actual" } }
    });
    await h.clock.advanceTo("2026-03-11T00:00:00Z");
    expect(secure.deliveries).toHaveLength(1);
    expect(plain.deliveries[0]?.headers.authorization).toBeUndefined();

    const auth = String(secure.deliveries[0]?.headers.authorization ?? "");
    expect(auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const [head, body, sig] = auth.slice("Bearer ".length).split(".") as [string, string, string];
    const header = JSON.parse(Buffer.from(head, "base64url").toString()) as { alg: string; kid: string; typ: string };
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, unknown>;
    // The receiver's local validation: issuer metadata → JWKS → the key by kid → RS256 signature.
    const meta = (await simRequest(h, "GET", `/_sim/entra/${TENANT}/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
    expect(meta.issuer).toBe(`https://sts.windows.net/${TENANT}/`);
    const keys = ((await simRequest(h, "GET", new URL(meta.jwks_uri).pathname)).json() as { keys: { kid: string; kty: string; n: string; e: string }[] }).keys;
    const key = keys.find((k) => k.kid === header.kid);
    expect([header.alg, header.typ, key?.kty]).toEqual(["RS256", "JWT", "RSA"]);
    expect(verify("RSA-SHA256", Buffer.from(`${head}.${body}`), publicKeyOf(key!), Buffer.from(sig, "base64url"))).toBe(true);
    // A tampered token does not verify.
    const forged = Buffer.from(JSON.stringify({ ...claims, aud: "api://someone-else" })).toString("base64url");
    expect(verify("RSA-SHA256", Buffer.from(`${head}.${forged}`), publicKeyOf(key!), Buffer.from(sig, "base64url"))).toBe(false);
    const now = Date.parse("2026-03-11T00:00:00Z") / 1000;
    expect(claims).toMatchObject({ aud: "api://aksops-alerts", iss: meta.issuer, idp: meta.issuer, tid: TENANT, appid: ACTION_GROUPS_APP_ID, appidacr: "2", ver: "1.0" });
    expect([claims.iat, claims.nbf, claims.exp]).toEqual([now, now, now + 3600]);
    expect(claims.roles).toBeUndefined();
  });

  it("refuses useAadAuth without the application's objectId", async () => {
    await expect(h.clients.monitor.actionGroups.createOrUpdate(rg, "ag-bad", {
      location: "Global", groupShortName: "bad", enabled: true,
      webhookReceivers: [{ name: "secure", serviceUri: secure.url, useAadAuth: true }]
    })).rejects.toMatchObject({ statusCode: 400, code: "InvalidWebhookReceiver" });
  });
});
