import { buildHttpRoutes, findRoute } from "../../local/host/http/http-routes";
import { matchRoute, parseRouteTemplate, RouteTemplateError } from "../../local/host/http/route-template";
import type { RegisteredFunction } from "../../local/host/extension";

const match = (template: string, path: string): Record<string, string> | undefined => matchRoute(parseRouteTemplate(template), path);

function httpFunction(name: string, route: string | undefined, methods?: string[]): RegisteredFunction {
  const trigger = { type: "httpTrigger", direction: "in" as const, name: "req", route, methods, authLevel: "anonymous" };
  return { name, bindings: { req: trigger }, triggerName: "req", trigger, handler: () => undefined };
}

describe("route templates", () => {
  it("matches literals case-insensitively and decodes parameters", () => {
    expect(match("clusters/{id}/conformance", "Clusters/aks%201/CONFORMANCE")).toEqual({ id: "aks 1" });
    expect(match("clusters/{id}", "clusters")).toBeUndefined();
    expect(match("clusters/{id}", "clusters/a/b")).toBeUndefined();
  });

  it("handles optional parameters, defaults and catch-alls", () => {
    expect(match("items/{id?}", "items")).toEqual({});
    expect(match("items/{id?}", "items/3")).toEqual({ id: "3" });
    expect(match("items/{page=1}", "items")).toEqual({ page: "1" });
    expect(match("files/{*path}", "files/a/b/c")).toEqual({ path: "a/b/c" });
    expect(match("files/{**path}", "files")).toEqual({});
  });

  it("checks the constraints the host enforces", () => {
    expect(match("items/{id:int}", "items/12")).toEqual({ id: "12" });
    expect(match("items/{id:int}", "items/x")).toBeUndefined();
    expect(match("items/{id:int:min(10)}", "items/9")).toBeUndefined();
    expect(match("items/{id:guid}", "items/3f2504e0-4f89-11d3-9a0c-0305e82c3301")).toEqual({ id: "3f2504e0-4f89-11d3-9a0c-0305e82c3301" });
    expect(match("items/{flag:bool}", "items/TRUE")).toEqual({ flag: "TRUE" });
    expect(match("items/{name:alpha:length(2,4)}", "items/abcde")).toBeUndefined();
    expect(match("items/{name:regex(^a.*$)}", "items/zzz")).toEqual({ name: "zzz" });
  });

  it("rejects malformed templates", () => {
    expect(() => parseRouteTemplate("files/{*rest}/more")).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate("a/{bad name}")).toThrow(/Invalid parameter name/);
    expect(() => parseRouteTemplate("a/x{id}")).toThrow(/Complex segment/);
  });

  it("prefers literal routes over parameters over catch-alls, and reports allowed methods", () => {
    const routes = buildHttpRoutes([
      httpFunction("catchAll", "clusters/{*rest}", ["GET"]),
      httpFunction("byId", "clusters/{id}", ["GET", "DELETE"]),
      httpFunction("adopt", "clusters/adopt", ["POST"]),
      httpFunction("named", undefined)
    ]);
    expect(findRoute(routes, "clusters/adopt", "POST")).toMatchObject({ kind: "found", route: { fn: { name: "adopt" } } });
    expect(findRoute(routes, "clusters/aks1", "DELETE")).toMatchObject({ kind: "found", route: { fn: { name: "byId" } }, params: { id: "aks1" } });
    expect(findRoute(routes, "clusters/aks1/pools", "GET")).toMatchObject({ kind: "found", route: { fn: { name: "catchAll" } } });
    expect(findRoute(routes, "clusters/aks1", "PUT")).toEqual({ kind: "wrongMethod", allowed: ["GET", "DELETE"] });
    expect(findRoute(routes, "named", "PATCH")).toMatchObject({ kind: "found", route: { fn: { name: "named" } } });
    expect(findRoute(routes, "other", "GET")).toEqual({ kind: "none" });
  });
});
