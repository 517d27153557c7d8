/** Who decided: App Service authentication's principal wins over the form's name. */
import { HttpRequest } from "@azure/functions";
import { approverOf } from "../../functions/handlers/approvals";

function request(headers: Record<string, string>): HttpRequest {
  return new HttpRequest({ url: "http://127.0.0.1/api/approvals/t", method: "POST", headers });
}

const principal = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64");

describe("approverOf", () => {
  it("reads the name claim App Service authentication names in name_typ", () => {
    const header = principal({
      auth_typ: "aad", name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", role_typ: "roles",
      claims: [{ typ: "ver", val: "2.0" }, { typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", val: "alice@contoso.com" }]
    });
    expect(approverOf(request({ "x-ms-client-principal": header }))).toBe("alice@contoso.com");
  });

  it("falls back to preferred_username, and to nothing without the header or with a garbled one", () => {
    expect(approverOf(request({ "x-ms-client-principal": principal({ claims: [{ typ: "preferred_username", val: "bob@contoso.com" }] }) }))).toBe("bob@contoso.com");
    expect(approverOf(request({}))).toBeUndefined();
    expect(approverOf(request({ "x-ms-client-principal": "%%%not-base64-json" }))).toBeUndefined();
  });
});
