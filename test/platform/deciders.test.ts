/**
 * Who may decide (approval links on the dashboard, Cancel): in Azure a signed-in caller with the app
 * role AksOps.Approver in App Service authentication's client principal; locally a loopback caller
 * that is not another site's page.
 */
import { HttpRequest } from "@azure/functions";
import { APPROVER_ROLE, clientPrincipalOf, mayDecide } from "../../functions/handlers/deciders";

function request(headers: Record<string, string>, url = "http://127.0.0.1:7071/api/dashboard/data/approvals"): HttpRequest {
  return new HttpRequest({ url, method: "GET", headers });
}

/** The header as App Service builds it for a Microsoft Entra sign-in (base64 JSON of the token's claims). */
const principal = (roles: string[], roleTyp = "roles"): string => Buffer.from(JSON.stringify({
  auth_typ: "aad", name_typ: "name", role_typ: roleTyp,
  claims: [{ typ: "name", val: "Dana Ops" }, ...roles.map((val) => ({ typ: roleTyp, val }))]
})).toString("base64");

describe("mayDecide", () => {
  it("in Azure: the app role decides; no principal, another role, a garbled header or a case variant of the role do not", () => {
    const azure = "https://aksops.azurewebsites.net/api/dashboard/data/approvals";
    expect(mayDecide(request({ "x-ms-client-principal": principal([APPROVER_ROLE]) }, azure), "azure")).toEqual({ allowed: true, by: "role" });
    expect(mayDecide(request({ "x-ms-client-principal": principal(["Other", APPROVER_ROLE], "http://schemas.microsoft.com/ws/2008/06/identity/claims/role") }, azure), "azure").allowed).toBe(true);
    const reader = mayDecide(request({ "x-ms-client-principal": principal(["AksOps.Reader"]) }, azure), "azure");
    expect(reader.allowed).toBe(false);
    expect(reader.allowed ? "" : reader.reason).toContain(APPROVER_ROLE);
    expect(mayDecide(request({ "x-ms-client-principal": principal([APPROVER_ROLE.toLowerCase()]) }, azure), "azure").allowed).toBe(false);
    expect(mayDecide(request({ "x-ms-client-principal": "%%%not-base64-json" }, azure), "azure").allowed).toBe(false);
    expect(mayDecide(request({}, azure), "azure").allowed).toBe(false);
    // A role claim of another type (a group id claim that happens to carry the name) is not the role.
    const group = Buffer.from(JSON.stringify({ auth_typ: "aad", role_typ: "roles", claims: [{ typ: "groups", val: APPROVER_ROLE }] })).toString("base64");
    expect(mayDecide(request({ "x-ms-client-principal": group }, azure), "azure").allowed).toBe(false);
  });

  it("locally: a loopback caller decides unless a browser marks it another site's request; a principal is judged by the role", () => {
    expect(mayDecide(request({}), "local")).toEqual({ allowed: true, by: "local" });
    expect(mayDecide(request({ "sec-fetch-site": "same-origin" }), "local").allowed).toBe(true);
    expect(mayDecide(request({ "sec-fetch-site": "none" }), "local").allowed).toBe(true);
    expect(mayDecide(request({}, "http://localhost:7071/api/x"), "local").allowed).toBe(true);
    expect(mayDecide(request({ "sec-fetch-site": "cross-site" }), "local").allowed).toBe(false);
    expect(mayDecide(request({ "sec-fetch-site": "same-site" }), "local").allowed).toBe(false);
    expect(mayDecide(request({}, "http://192.168.1.20:7071/api/x"), "local").allowed).toBe(false);
    expect(mayDecide(request({ "x-ms-client-principal": principal(["AksOps.Reader"]) }), "local").allowed).toBe(false);
    expect(mayDecide(request({ "x-ms-client-principal": principal([APPROVER_ROLE]) }), "local").allowed).toBe(true);
  });

  it("clientPrincipalOf keeps only well-formed claims", () => {
    const header = Buffer.from(JSON.stringify({ auth_typ: "aad", claims: [{ typ: "roles", val: "A" }, { typ: 3, val: "x" }, null, { typ: "name" }] })).toString("base64");
    expect(clientPrincipalOf(request({ "x-ms-client-principal": header }))).toEqual({ auth_typ: "aad", claims: [{ typ: "roles", val: "A" }] });
    expect(clientPrincipalOf(request({ "x-ms-client-principal": Buffer.from("[1,2]").toString("base64") }))).toEqual({ claims: [] });
  });
});
