/**
 * The Microsoft Entra access token Azure Monitor sends with a secure webhook (an action group's
 * webhook receiver with `useAadAuth: true`), so a receiver validates it locally as it would in Azure
 * (learn.microsoft.com/azure/azure-monitor/alerts/action-groups, "Secure webhook": the action
 * group service is the first-party app "AzNS AAD Webhook", application id
 * 461e8683-5575-4561-ac7f-899cc907d62a; it acquires a token for the receiver's application, the
 * one `objectId` / `identifierUri` / `tenantId` name).
 *
 * The token is a v1.0 Entra access token (an app whose manifest does not ask for v2 tokens gets
 * v1, learn.microsoft.com/entra/identity-platform/access-token-claims-reference): RS256, header
 * `kid`/`x5t`; claims `aud` (the receiver's identifierUri), `iss` and `idp`
 * (`https://sts.windows.net/{tenantId}/`), `iat`/`nbf`/`exp` (one hour, on the simulator's clock),
 * `appid` (the action groups app), `appidacr` "2", `oid`/`sub` (the app's service principal in the
 * tenant), `tid`, `ver` "1.0". No `roles`: the optional ActionGroupsSecureWebhook app role depends
 * on an assignment in the tenant the simulator does not model, so a receiver requiring it fails here
 * as it would without the assignment.
 *
 * The signing key is generated when the simulator starts (never written to disk) and published as
 * Entra publishes its keys, on the simulator's control host:
 * `GET /_sim/entra/{tenantId}/.well-known/openid-configuration` (issuer, jwks_uri) and
 * `GET /_sim/entra/{tenantId}/discovery/keys` (JWKS: kty, use, kid, x5t, n, e).
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { SimKernel } from "../kernel";

export const ACTION_GROUPS_APP_ID = "461e8683-5575-4561-ac7f-899cc907d62a";
export const ENTRA_TOKENS = "entraTokens";

export interface EntraTokens {
  /** A token for `audience` in `tenantId`, issued now (simulator clock) to the action groups app. */
  actionGroupToken(tenantId: string, audience: string): string;
}

function b64url(v: Buffer | string): string {
  return Buffer.from(v).toString("base64url");
}

function guidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function registerEntraTokens(kernel: SimKernel): EntraTokens {
  const existing = kernel.service<EntraTokens>(ENTRA_TOKENS);
  if (existing) return existing;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const kid = b64url(createHash("sha1").update(String(jwk.n)).digest());
  const tokens: EntraTokens = {
    actionGroupToken: (tenantId, audience) => {
      const now = Math.floor(kernel.clock.now() / 1000);
      const iss = `https://sts.windows.net/${tenantId}/`;
      const oid = guidFrom(`actiongroups-sp:${tenantId.toLowerCase()}`);
      const header = { typ: "JWT", alg: "RS256", x5t: kid, kid };
      const claims = {
        aud: audience, iss, iat: now, nbf: now, exp: now + 3600, idp: iss,
        appid: ACTION_GROUPS_APP_ID, appidacr: "2", oid, sub: oid, tid: tenantId, ver: "1.0",
        uti: b64url(createHash("sha256").update(`${audience}:${now}:${Math.random()}`).digest().subarray(0, 16))
      };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      return `${input}.${b64url(sign("RSA-SHA256", Buffer.from(input), privateKey))}`;
    }
  };
  kernel.router.control("GET", "/_sim/entra/{tenantId}/.well-known/openid-configuration", (req, p) => {
    const host = req.headers.host;
    const base = `https://${typeof host === "string" ? host : "localhost"}`;
    return {
      status: 200,
      body: {
        issuer: `https://sts.windows.net/${p.tenantId}/`,
        jwks_uri: `${base}/_sim/entra/${p.tenantId}/discovery/keys`,
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        tenant_region_scope: "EU"
      }
    };
  });
  kernel.router.control("GET", "/_sim/entra/{tenantId}/discovery/keys", () => ({
    status: 200,
    body: { keys: [{ kty: "RSA", use: "sig", kid, x5t: kid, n: jwk.n, e: jwk.e }] }
  }));
  kernel.provide(ENTRA_TOKENS, tokens);
  return tokens;
}

/** A JWKS entry as a public key (for receivers and tests validating locally). */
export function publicKeyOf(key: { kty: string; n: string; e: string }): KeyObject {
  return createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: "jwk" });
}
