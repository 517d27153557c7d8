/** The HTTP trigger route table: each http-triggered function's route template, methods and auth level. */
import type { RegisteredFunction } from "../extension";
import { matchRoute, parseRouteTemplate, routeSpecificity, type RouteTemplate } from "./route-template";

export interface HttpRoute {
  fn: RegisteredFunction;
  template: RouteTemplate;
  /** Upper-case; undefined means every method. */
  methods?: string[];
  authLevel: string;
}

export type RouteMatch =
  | { kind: "found"; route: HttpRoute; params: Record<string, string> }
  | { kind: "wrongMethod"; allowed: string[] }
  | { kind: "none" };

export function buildHttpRoutes(functions: Iterable<RegisteredFunction>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    if (fn.trigger.type.toLowerCase() !== "httptrigger") continue;
    // Without a route, the Functions host serves the function under its name.
    const route = typeof fn.trigger.route === "string" && fn.trigger.route !== "" ? fn.trigger.route : fn.name;
    const methods = Array.isArray(fn.trigger.methods) && fn.trigger.methods.length > 0
      ? fn.trigger.methods.map((m) => String(m).toUpperCase())
      : undefined;
    routes.push({ fn, template: parseRouteTemplate(route), methods, authLevel: typeof fn.trigger.authLevel === "string" ? fn.trigger.authLevel : "function" });
  }
  return routes.sort((a, b) => compareSpecificity(routeSpecificity(a.template), routeSpecificity(b.template)));
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}

export function findRoute(routes: readonly HttpRoute[], path: string, method: string): RouteMatch {
  const allowed = new Set<string>();
  for (const route of routes) {
    const params = matchRoute(route.template, path);
    if (!params) continue;
    if (!route.methods || route.methods.includes(method.toUpperCase())) return { kind: "found", route, params };
    route.methods.forEach((m) => allowed.add(m));
  }
  return allowed.size > 0 ? { kind: "wrongMethod", allowed: [...allowed] } : { kind: "none" };
}
