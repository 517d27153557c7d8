import type { ArmRouteOptions, SimHandler } from "./types";

type Segment = { literal: string } | { param: string } | { rest: string };

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export interface Route {
  method: string;
  template: string;
  handler: SimHandler;
  /** ARM routes get auth, api-version, throttling and stats; control routes (`/_sim/...`) do not. */
  arm?: ArmRouteOptions;
  segments: Segment[];
  /** The number of path segments the route takes exactly; undefined when a `{*rest}` makes it vary. */
  length?: number;
  /** Literal segments count most, then named params; `{*rest}` counts least. */
  score: number;
  order: number;
}

function parseTemplate(template: string): Segment[] {
  return template.split("/").filter(Boolean).map((s): Segment => {
    const m = /^\{(\*?)([A-Za-z0-9_]+)\}$/.exec(s);
    if (!m) return { literal: s.toLowerCase() };
    return m[1] ? { rest: m[2] ?? "" } : { param: m[2] ?? "" };
  });
}

/** Splits a decoded path into its segments, ignoring empty ones (ARM tolerates `//`). */
export function pathSegments(path: string): string[] {
  return path.split("/").filter(Boolean);
}

/** `parts` as given (parameters keep their case) and lower-cased (literals compare with these). */
function matchSegments(segs: Segment[], parts: string[], lower: string[], si: number, pi: number, params: Record<string, string>): boolean {
  if (si === segs.length) return pi === parts.length;
  const seg = segs[si];
  if (!seg) return false;
  if ("rest" in seg) {
    // `{*scope}` takes one or more segments; try the shortest first so later literals can anchor.
    for (let end = pi + 1; end <= parts.length; end++) {
      if (matchSegments(segs, parts, lower, si + 1, end, params)) {
        params[seg.rest] = "/" + parts.slice(pi, end).join("/");
        return true;
      }
    }
    return false;
  }
  const part = parts[pi];
  if (part === undefined) return false;
  if ("literal" in seg) {
    if (seg.literal !== lower[pi]) return false;
  } else {
    params[seg.param] = part;
  }
  if (matchSegments(segs, parts, lower, si + 1, pi + 1, params)) return true;
  if ("param" in seg) delete params[seg.param];
  return false;
}

/**
 * Routes by method and path template. Literal segments match case-insensitively, as ARM treats
 * resource ids (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules:
 * "Resource and resource group names are case-insensitive"). The most specific template wins.
 */
export class SimRouter {
  private readonly routes: Route[] = [];

  /** An ARM route: the kernel authenticates, checks api-version, throttles by `kind` and counts by `operation`. */
  arm(method: string, template: string, handler: SimHandler, options: ArmRouteOptions): void {
    this.add(method, template, handler, options);
  }

  /** A control route under `/_sim`: no auth, no api-version, not throttled. */
  control(method: string, template: string, handler: SimHandler): void {
    this.add(method, template, handler, undefined);
  }

  private add(method: string, template: string, handler: SimHandler, arm: ArmRouteOptions | undefined): void {
    const segments = parseTemplate(template);
    const specificity = segments.reduce((s, seg) => s + ("literal" in seg ? 1000 : "param" in seg ? 10 : 1), 0);
    const score = arm?.fallback ? specificity - 1_000_000 : specificity;
    const length = segments.some((seg) => "rest" in seg) ? undefined : segments.length;
    this.routes.push({ method: method.toUpperCase(), template, handler, arm, segments, ...(length !== undefined ? { length } : {}), score, order: this.routes.length });
  }

  /** The best route for the path, and whether any route matched the path with another method (→ 405). */
  match(method: string, path: string): { match?: RouteMatch; otherMethods: string[] } {
    const parts = pathSegments(path);
    const lower = parts.map((p) => p.toLowerCase());
    let best: RouteMatch | undefined;
    const otherMethods = new Set<string>();
    for (const route of this.routes) {
      const params: Record<string, string> = {};
      if (route.length !== undefined && route.length !== parts.length) continue;
      if (!matchSegments(route.segments, parts, lower, 0, 0, params)) continue;
      if (route.method !== method.toUpperCase()) {
        otherMethods.add(route.method);
        continue;
      }
      if (!best || route.score > best.route.score || (route.score === best.route.score && route.order < best.route.order)) {
        best = { route, params };
      }
    }
    return { match: best, otherMethods: [...otherMethods] };
  }
}
