import type { HttpRequest } from "@azure/functions";
import type { RuntimeMode } from "../../shared/config";

/**
 * Who may decide (approve or reject a step, cancel an operation) from the dashboard, and so who is
 * handed the live approval links:
 *
 * - In Azure: a signed-in caller holding the Entra app role `AksOps.Approver` of the platform's app
 *   registration. App Service authentication passes the caller's claims as `X-MS-CLIENT-PRINCIPAL`,
 *   base64 JSON `{ auth_typ, name_typ, role_typ, claims: [{ typ, val }] }`, and external requests
 *   cannot set that header: it is present only when App Service set it
 *   (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities#access-user-claims-in-app-code,
 *   "Decode the client principal header"). App roles arrive as `roles` claims (`role_typ` names the
 *   type); assigning the role to an Entra group gives it to every member
 *   (https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps#assign-users-and-groups-to-microsoft-entra-roles).
 *   A caller without the header (App Service authentication off) decides nothing.
 * - Locally (`AKSOPS_MODE=local`, the host listens on the loopback interface only): a caller on the
 *   loopback address that is not a page of another site: a browser marks a cross-origin request
 *   `Sec-Fetch-Site: cross-site` or `same-site` (https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header),
 *   the dashboard's own requests are `same-origin`, a command-line client sends none. A local
 *   request that carries a client principal is judged by the Azure rule (tests use that).
 */
export const APPROVER_ROLE = "AksOps.Approver";

/** The claim types a role can arrive under: Entra's `roles`, and the WS-Federation role URI App Service maps it to. */
const ROLE_CLAIM_TYPES = ["roles", "role", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];

export interface ClientPrincipal {
  auth_typ?: string;
  name_typ?: string;
  role_typ?: string;
  /** Static Web Apps' shape of the same header names the user here. */
  userDetails?: string;
  claims: { typ: string; val: string }[];
}

/** The decoded `x-ms-client-principal`, or `undefined` when absent or not the documented shape. */
export function clientPrincipalOf(request: HttpRequest): ClientPrincipal | undefined {
  const header = request.headers.get("x-ms-client-principal");
  if (!header) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as unknown;
    if (typeof raw !== "object" || raw === null) return undefined;
    const r = raw as Record<string, unknown>;
    const claims = Array.isArray(r.claims)
      ? r.claims.filter((c): c is { typ: string; val: string } => typeof c === "object" && c !== null && typeof (c as { typ?: unknown }).typ === "string" && typeof (c as { val?: unknown }).val === "string")
      : [];
    const str = (k: string): string | undefined => (typeof r[k] === "string" ? r[k] : undefined);
    const principal: ClientPrincipal = { claims };
    const auth = str("auth_typ"), name = str("name_typ"), role = str("role_typ"), user = str("userDetails");
    if (auth) principal.auth_typ = auth;
    if (name) principal.name_typ = name;
    if (role) principal.role_typ = role;
    if (user) principal.userDetails = user;
    return principal;
  } catch {
    return undefined;
  }
}

export type DecideRight =
  | { allowed: true; by: "role" | "local" }
  | { allowed: false; reason: string };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Whether this caller may decide (see the rule above). */
export function mayDecide(request: HttpRequest, mode: RuntimeMode): DecideRight {
  const principal = clientPrincipalOf(request);
  if (principal) {
    const types = new Set([...ROLE_CLAIM_TYPES, ...(principal.role_typ ? [principal.role_typ] : [])]);
    // Role values are compared exactly: Entra app role values are case-sensitive strings.
    return principal.claims.some((c) => types.has(c.typ) && c.val === APPROVER_ROLE)
      ? { allowed: true, by: "role" }
      : { allowed: false, reason: `the signed-in user lacks the app role ${APPROVER_ROLE}` };
  }
  if (request.headers.get("x-ms-client-principal")) return { allowed: false, reason: "the client principal could not be read" };
  if (mode !== "local") return { allowed: false, reason: `sign in (App Service authentication) with the app role ${APPROVER_ROLE}` };
  let host: string;
  try {
    host = new URL(request.url).hostname;
  } catch {
    return { allowed: false, reason: "the request URL could not be read" };
  }
  if (!LOOPBACK.has(host)) return { allowed: false, reason: "locally only callers on the loopback interface decide" };
  const site = (request.headers.get("sec-fetch-site") ?? "").toLowerCase();
  if (site === "cross-site" || site === "same-site") return { allowed: false, reason: "a page of another site does not decide" };
  return { allowed: true, by: "local" };
}
