/**
 * ASP.NET Core route templates, as the Functions host uses them for HTTP triggers:
 * `clusters/{id}`, optional `{id?}`, catch-all `{*rest}` / `{**rest}`, defaults `{id=1}` and
 * constraints `{id:int}`, `{id:int:min(1)}`. Literal segments match case-insensitively.
 * Constraints the host would enforce and that are cheap to check (int, long, bool, guid, alpha,
 * double, decimal, min, max, length, minlength, maxlength) are checked; others are accepted.
 */
export class RouteTemplateError extends Error {
  override readonly name = "RouteTemplateError";
  constructor(message: string, readonly template: string) {
    super(`${message} in route template "${template}"`);
  }
}

type Segment =
  | { kind: "literal"; text: string }
  | { kind: "param"; name: string; optional: boolean; catchAll: boolean; defaultValue?: string; constraints: string[] };

export interface RouteTemplate {
  template: string;
  segments: Segment[];
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^\/+|\/+$/g, "");
  const segments: Segment[] = [];
  const parts = trimmed === "" ? [] : trimmed.split("/");
  parts.forEach((part, index) => {
    if (!part.startsWith("{")) {
      if (part.includes("{") || part.includes("}")) throw new RouteTemplateError(`Complex segment "${part}" is not supported`, template);
      segments.push({ kind: "literal", text: part });
      return;
    }
    if (!part.endsWith("}")) throw new RouteTemplateError(`Unterminated parameter "${part}"`, template);
    let body = part.slice(1, -1);
    let catchAll = false;
    if (body.startsWith("**")) { catchAll = true; body = body.slice(2); }
    else if (body.startsWith("*")) { catchAll = true; body = body.slice(1); }
    let optional = false;
    if (body.endsWith("?")) { optional = true; body = body.slice(0, -1); }
    let defaultValue: string | undefined;
    const eq = body.indexOf("=");
    if (eq >= 0) { defaultValue = body.slice(eq + 1); body = body.slice(0, eq); }
    const [name, ...constraints] = splitConstraints(body);
    if (!name || !/^[A-Za-z_][\w]*$/.test(name)) throw new RouteTemplateError(`Invalid parameter name "${name ?? ""}"`, template);
    if (catchAll && index !== parts.length - 1) throw new RouteTemplateError("A catch-all parameter must be the last segment", template);
    segments.push({ kind: "param", name, optional, catchAll, defaultValue, constraints });
  });
  return { template, segments };
}

/** `id:int:min(1)` → ["id", "int", "min(1)"], keeping colons inside parentheses. */
function splitConstraints(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of body) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === ":" && depth === 0) { out.push(current); current = ""; continue; }
    current += ch;
  }
  out.push(current);
  return out;
}

/** Matches a decoded path (without the route prefix); returns route params or undefined. */
export function matchRoute(route: RouteTemplate, path: string): Record<string, string> | undefined {
  const parts = path.replace(/^\/+|\/+$/g, "").split("/").filter((p, i, all) => !(p === "" && all.length === 1));
  const params: Record<string, string> = {};
  let i = 0;
  for (const segment of route.segments) {
    const part = parts[i];
    if (segment.kind === "literal") {
      if (part === undefined || part.toLowerCase() !== segment.text.toLowerCase()) return undefined;
      i++;
      continue;
    }
    if (segment.catchAll) {
      const rest = parts.slice(i).map(decode).join("/");
      if (rest !== "") params[segment.name] = rest;
      else if (segment.defaultValue !== undefined) params[segment.name] = segment.defaultValue;
      i = parts.length;
      continue;
    }
    if (part === undefined || part === "") {
      if (segment.defaultValue !== undefined) params[segment.name] = segment.defaultValue;
      else if (!segment.optional) return undefined;
      continue;
    }
    const value = decode(part);
    if (!segment.constraints.every((c) => satisfies(c, value))) return undefined;
    params[segment.name] = value;
    i++;
  }
  return i === parts.length ? params : undefined;
}

/** Orders candidate routes as ASP.NET does in spirit: literals before parameters before catch-alls. */
export function routeSpecificity(route: RouteTemplate): number[] {
  return route.segments.map((s) => (s.kind === "literal" ? 0 : s.catchAll ? 3 : s.constraints.length > 0 ? 1 : 2));
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function satisfies(constraint: string, value: string): boolean {
  const m = /^(\w+)(?:\((.*)\))?$/.exec(constraint);
  if (!m) return true;
  const kind = (m[1] ?? "").toLowerCase();
  const args = (m[2] ?? "").split(",").map((a) => a.trim());
  const num = Number(value);
  switch (kind) {
    case "int": return /^-?\d+$/.test(value) && Math.abs(num) <= 2 ** 31;
    case "long": return /^-?\d+$/.test(value);
    case "bool": return /^(true|false)$/i.test(value);
    case "guid": return /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(value);
    case "alpha": return /^[a-z]+$/i.test(value);
    case "double":
    case "decimal":
    case "float": return value.trim() !== "" && Number.isFinite(num);
    case "min": return Number.isFinite(num) && num >= Number(args[0]);
    case "max": return Number.isFinite(num) && num <= Number(args[0]);
    case "range": return Number.isFinite(num) && num >= Number(args[0]) && num <= Number(args[1]);
    case "minlength": return value.length >= Number(args[0]);
    case "maxlength": return value.length <= Number(args[0]);
    case "length": return args.length === 2 ? value.length >= Number(args[0]) && value.length <= Number(args[1]) : value.length === Number(args[0]);
    default: return true;
  }
}
