/**
 * Evaluates a compiled ARM template (what `bicep build` writes to dist/infra) for given deployment
 * parameters, far enough to read what a deployment would send: parameters, variables, nested
 * deployments (the Bicep modules) and their outputs, and the properties of their resources. ARM
 * template expressions are parsed and evaluated with the functions the templates use. What only
 * Azure knows at deployment time (`reference()` of a resource that is not a module, `uniqueString`,
 * `guid`) becomes a placeholder string naming the resource and property, e.g.
 * `{ref Microsoft.Web/sites/func-x .defaultHostName}`, so a contract can still say where a value
 * comes from.
 */
import { createHash } from "node:crypto";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ArmTemplate {
  parameters?: Record<string, { type: string; defaultValue?: Json }>;
  variables?: Record<string, Json>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: Json }>;
}

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: Json;
  condition?: Json;
  copy?: Json;
  properties?: Json;
  [key: string]: unknown;
}

/** What a deployment of a template evaluates to. */
export interface Deployment {
  readonly template: ArmTemplate;
  parameter(name: string): Json;
  variable(name: string): Json;
  output(name: string): Json;
  /** The module (nested deployment) of that name, evaluated with the parameters this deployment passes it. */
  module(name: string): Deployment;
  /** Resources of this deployment (not of its modules) of a type, with their evaluated name, condition and properties. */
  resources(type: string): EvaluatedResource[];
}

export interface EvaluatedResource {
  readonly type: string;
  readonly name: string;
  /** False when the resource's `condition` is false for these parameters (it would not be deployed). */
  readonly deployed: boolean;
  readonly properties: Json;
  readonly raw: ArmResource;
  /** Its iteration, for a resource in a copy loop. */
  readonly copyIndex?: number;
  /** A module's target subscription (`scope: subscription(id)`), when it names one. */
  readonly subscriptionId?: string;
}

export interface ScopeValues {
  subscriptionId: string;
  /** For templates at management-group scope. */
  managementGroupId: string;
  resourceGroup: string;
  location: string;
  tenantId: string;
}

const DEFAULT_SCOPE: ScopeValues = { subscriptionId: "11111111-1111-1111-1111-111111111111", managementGroupId: "mg-aksops", resourceGroup: "rg-aksops", location: "westeurope", tenantId: "22222222-2222-2222-2222-222222222222" };

/** Deploys nothing: evaluates `template` with `parameters` (missing ones take their defaults). */
export function evaluateDeployment(template: ArmTemplate, parameters: Record<string, Json>, scope: Partial<ScopeValues> = {}): Deployment {
  return new TemplateDeployment(template, parameters, { ...DEFAULT_SCOPE, ...scope });
}

// ---------------------------------------------------------------- expressions

type Node =
  | { kind: "lit"; value: Json }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "member"; target: Node; name: string }
  | { kind: "index"; target: Node; index: Node };

/** A function value (from `lambda(...)`). */
interface Lambda { lambda: true; params: string[]; body: Node }
type Value = Json | Lambda | undefined;

export function isExpression(s: string): boolean {
  return s.startsWith("[") && s.endsWith("]") && !s.startsWith("[[");
}

export function parseExpression(text: string): Node {
  let i = 0;
  const src = text;
  const ws = () => { while (i < src.length && /\s/.test(src[i]!)) i++; };
  const fail = (msg: string): never => { throw new Error(`ARM expression: ${msg} at ${i} in ${src}`); };
  const primary = (): Node => {
    ws();
    const c = src[i];
    if (c === "'") {
      let out = "";
      i++;
      for (;;) {
        if (i >= src.length) fail("unterminated string");
        if (src[i] === "'") {
          if (src[i + 1] === "'") { out += "'"; i += 2; continue; }
          i++;
          break;
        }
        out += src[i++];
      }
      return { kind: "lit", value: out };
    }
    if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) fail("bad number");
      i += m![0].length;
      return { kind: "lit", value: Number(m![0]) };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (!m) return fail(`unexpected ${c ?? "end"}`);
    // `a.b(` is a namespaced user function in ARM; the templates here have none, so a dot ends the name.
    const name = m[0].split(".")[0]!;
    i += name.length;
    ws();
    if (src[i] !== "(") fail(`expected ( after ${name}`);
    i++;
    const args: Node[] = [];
    ws();
    if (src[i] === ")") { i++; return { kind: "call", name, args }; }
    for (;;) {
      args.push(postfix());
      ws();
      if (src[i] === ",") { i++; continue; }
      if (src[i] === ")") { i++; break; }
      fail("expected , or )");
    }
    return { kind: "call", name, args };
  };
  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      ws();
      if (src[i] === ".") {
        i++;
        const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
        if (!m) fail("expected a property name");
        i += m![0].length;
        node = { kind: "member", target: node, name: m![0] };
      } else if (src[i] === "[") {
        i++;
        const index = postfix();
        ws();
        if (src[i] !== "]") fail("expected ]");
        i++;
        node = { kind: "index", target: node, index };
      } else {
        return node;
      }
    }
  };
  const node = postfix();
  ws();
  if (i !== src.length) fail("trailing characters");
  return node;
}

/** A value ARM would only know while deploying. */
function placeholder(what: string): string {
  return `{${what}}`;
}

function isObject(v: Value): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !("lambda" in v && (v as Lambda).lambda === true);
}

function getProperty(target: Value, name: string): Value {
  if (typeof target === "string" && target.startsWith("{ref ")) return `${target.slice(0, -1)}.${name}}`;
  if (!isObject(target)) throw new Error(`ARM expression: .${name} of a non-object (${JSON.stringify(target)})`);
  if (name in target) return target[name];
  const key = Object.keys(target).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw new Error(`ARM expression: no property ${name} in ${JSON.stringify(target).slice(0, 200)}`);
  return target[key];
}

function str(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function asJson(v: Value): Json {
  if (v === undefined || (typeof v === "object" && v !== null && "lambda" in v && (v as Lambda).lambda === true)) throw new Error("ARM expression: not a value");
  return v as Json;
}

interface EvalContext {
  parameter(name: string): Json;
  variable(name: string): Json;
  reference(resourceId: string, full: boolean): Json;
  scope: ScopeValues;
  lambdaVars: Record<string, Json>;
  /** Inside a resource copy loop: the current index. */
  copyIndex?: number;
}

function resourceIdOf(scope: ScopeValues, args: string[], level: "resourceGroup" | "subscription"): string {
  // resourceId([subscriptionId], [resourceGroupName], type, name1, name2, ...): the type is the first argument with a slash.
  const typeAt = args.findIndex((a) => a.includes("/"));
  const type = args[typeAt]!;
  const names = args.slice(typeAt + 1);
  const before = args.slice(0, typeAt);
  const [provider, ...types] = type.split("/");
  const path = types.map((t, k) => `${t}/${names[k] ?? ""}`).join("/");
  const sub = level === "subscription" ? (before[0] ?? scope.subscriptionId) : (before.length === 2 ? before[0]! : scope.subscriptionId);
  const rg = level === "subscription" ? undefined : (before.length === 2 ? before[1] : before[0]) ?? scope.resourceGroup;
  return `/subscriptions/${sub}${rg ? `/resourceGroups/${rg}` : ""}/providers/${provider}/${path}`;
}

function evaluate(node: Node, ctx: EvalContext): Value {
  switch (node.kind) {
    case "lit": return node.value;
    case "member": return getProperty(evaluate(node.target, ctx), node.name);
    case "index": {
      const target = evaluate(node.target, ctx);
      const index = evaluate(node.index, ctx);
      if (Array.isArray(target) && typeof index === "number") return target[index];
      return getProperty(target, str(index));
    }
    case "call": return call(node, ctx);
  }
}

function call(node: Extract<Node, { kind: "call" }>, ctx: EvalContext): Value {
  const name = node.name.toLowerCase();
  // Lazy forms first: if() evaluates one branch, lambda() nothing.
  if (name === "if") {
    const cond = evaluate(node.args[0]!, ctx);
    return evaluate(node.args[cond === true ? 1 : 2]!, ctx);
  }
  if (name === "lambda") {
    const params = node.args.slice(0, -1).map((a) => str(evaluate(a, ctx)));
    return { lambda: true, params, body: node.args[node.args.length - 1]! };
  }
  const args = node.args.map((a) => evaluate(a, ctx));
  const apply = (fn: Value, ...values: Json[]): Json => {
    const l = fn as Lambda;
    const lambdaVars = { ...ctx.lambdaVars };
    l.params.forEach((p, k) => { lambdaVars[p] = values[k] ?? null; });
    return asJson(evaluate(l.body, { ...ctx, lambdaVars }));
  };
  const a0 = args[0];
  switch (name) {
    case "parameters": return ctx.parameter(str(a0));
    case "variables": return ctx.variable(str(a0));
    case "lambdavariables": return ctx.lambdaVars[str(a0)] ?? null;
    case "reference": return ctx.reference(str(a0), args.some((x) => x === "Full"));
    case "resourceid": return resourceIdOf(ctx.scope, args.map(str), "resourceGroup");
    case "subscriptionresourceid": return resourceIdOf(ctx.scope, args.map(str), "subscription");
    case "extensionresourceid": return `${str(a0)}/providers/${str(args[1])}/${args.slice(2).map(str).join("/")}`;
    case "tenantresourceid": return `/providers/${str(a0)}/${args.slice(1).map(str).join("/")}`;
    case "subscription": return { id: `/subscriptions/${ctx.scope.subscriptionId}`, subscriptionId: ctx.scope.subscriptionId, tenantId: ctx.scope.tenantId };
    case "resourcegroup": return { id: `/subscriptions/${ctx.scope.subscriptionId}/resourceGroups/${ctx.scope.resourceGroup}`, name: ctx.scope.resourceGroup, location: ctx.scope.location };
    case "tenant": return { tenantId: ctx.scope.tenantId };
    case "environment": return {
      name: "AzureCloud", resourceManager: "https://management.azure.com/", authentication: { loginEndpoint: "https://login.microsoftonline.com/" },
      suffixes: { storage: "core.windows.net", keyvaultDns: ".vault.azure.net", acrLoginServer: ".azurecr.io" }
    };
    case "deployment": return { name: "deployment" };
    case "format": {
      const fmt = str(a0);
      return fmt.replace(/\{(\d+)(:[^}]*)?\}/g, (_m, k: string) => str(args[Number(k) + 1]));
    }
    case "concat":
      return Array.isArray(a0) ? (args as Json[][]).flat() : args.map(str).join("");
    case "createobject": {
      const out: Record<string, Json> = {};
      for (let k = 0; k + 1 < args.length; k += 2) out[str(args[k])] = asJson(args[k + 1]);
      return out;
    }
    case "createarray": return args.map(asJson);
    case "union": {
      if (Array.isArray(a0)) return [...new Set((args as Json[][]).flat().map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x) as Json);
      return Object.assign({}, ...args.map((x) => (isObject(x) ? x : {}))) as Json;
    }
    case "items": return Object.entries(a0 as Record<string, Json>).map(([key, value]) => ({ key, value }));
    case "filter": return (a0 as Json[]).filter((x) => apply(args[1], x) === true);
    case "map": return (a0 as Json[]).map((x) => apply(args[1], x));
    case "toobject": {
      const out: Record<string, Json> = {};
      for (const x of a0 as Json[]) out[str(apply(args[1], x))] = args[2] ? apply(args[2], x) : x;
      return out;
    }
    case "not": return a0 !== true;
    case "and": return args.every((x) => x === true);
    case "or": return args.some((x) => x === true);
    case "equals": return JSON.stringify(a0) === JSON.stringify(args[1]);
    case "empty": return a0 === null || a0 === "" || (Array.isArray(a0) && a0.length === 0) || (isObject(a0) && Object.keys(a0).length === 0);
    case "length": return Array.isArray(a0) ? a0.length : isObject(a0) ? Object.keys(a0).length : str(a0).length;
    case "contains": return Array.isArray(a0) ? a0.some((x) => JSON.stringify(x) === JSON.stringify(args[1])) : isObject(a0) ? str(args[1]) in a0 : str(a0).toLowerCase().includes(str(args[1]).toLowerCase());
    case "take": return Array.isArray(a0) ? a0.slice(0, Number(args[1])) : str(a0).slice(0, Number(args[1]));
    case "skip": return Array.isArray(a0) ? a0.slice(Number(args[1])) : str(a0).slice(Number(args[1]));
    case "substring": return str(a0).substring(Number(args[1]), args[2] === undefined ? undefined : Number(args[1]) + Number(args[2]));
    case "endswith": return str(a0).toLowerCase().endsWith(str(args[1]).toLowerCase());
    case "startswith": return str(a0).toLowerCase().startsWith(str(args[1]).toLowerCase());
    case "replace": return str(a0).split(str(args[1])).join(str(args[2]));
    // ARM escapes like .NET's Uri.EscapeDataString: everything but RFC 3986's unreserved characters.
    case "uricomponent": return encodeURIComponent(str(a0)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    case "uricomponenttostring": return decodeURIComponent(str(a0));
    case "tolower": return str(a0).toLowerCase();
    case "toupper": return str(a0).toUpperCase();
    case "split": return str(a0).split(str(args[1]));
    case "join": return (a0 as Json[]).map(str).join(str(args[1]));
    case "managementgroup": return { id: `/providers/Microsoft.Management/managementGroups/${ctx.scope.managementGroupId}`, name: ctx.scope.managementGroupId };
    case "last": return Array.isArray(a0) ? (a0[a0.length - 1] ?? null) : str(a0).slice(-1);
    case "first": return Array.isArray(a0) ? (a0[0] ?? null) : str(a0).slice(0, 1);
    case "coalesce": return args.find((x) => x !== null && x !== undefined) ?? null;
    case "string": return str(a0);
    case "int": return Number(a0);
    case "bool": return a0 === true || a0 === "true";
    case "max": return Math.max(...args.map(Number));
    case "min": return Math.min(...args.map(Number));
    case "sub": return Number(a0) - Number(args[1]);
    case "add": return Number(a0) + Number(args[1]);
    case "true": return true;
    case "false": return false;
    case "null": return null;
    case "json": return JSON.parse(str(a0)) as Json;
    case "uniquestring": return createHash("sha256").update(args.map(str).join("|")).digest("hex").slice(0, 13);
    case "guid": {
      const h = createHash("sha256").update(args.map(str).join("|")).digest("hex");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }
    case "copyindex": {
      if (ctx.copyIndex === undefined) throw new Error("ARM expression: copyIndex() outside a copy loop");
      return ctx.copyIndex + (a0 === undefined ? 0 : Number(a0));
    }
    case "listkeys": return placeholder(`listKeys ${str(a0)}`);
    default: throw new Error(`ARM expression: function ${node.name} is not supported by this evaluator`);
  }
}

// ---------------------------------------------------------------- deployments

class TemplateDeployment implements Deployment {
  private readonly variables = new Map<string, Json>();
  private readonly modules = new Map<string, Deployment>();
  private readonly resolving = new Set<string>();
  private readonly ctx: EvalContext;

  constructor(readonly template: ArmTemplate, private readonly params: Record<string, Json>, private readonly scope: ScopeValues) {
    this.ctx = {
      parameter: (n) => this.parameter(n),
      variable: (n) => this.variable(n),
      reference: (id, full) => this.reference(id, full),
      scope,
      lambdaVars: {}
    };
  }

  /** Evaluates a template value: expression strings, and objects and arrays holding them. */
  value(v: Json, ctx: EvalContext = this.ctx): Json {
    if (typeof v === "string") return isExpression(v) ? asJson(evaluate(parseExpression(v.slice(1, -1)), ctx)) : v.startsWith("[[") ? v.slice(1) : v;
    if (Array.isArray(v)) return v.map((x) => this.value(x, ctx));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x, ctx)]));
    return v;
  }

  parameter(name: string): Json {
    if (name in this.params) return this.params[name]!;
    const decl = this.template.parameters?.[name];
    if (!decl) throw new Error(`no parameter ${name}`);
    if (decl.defaultValue === undefined) throw new Error(`parameter ${name} has no value and no default`);
    return this.value(decl.defaultValue);
  }

  variable(name: string): Json {
    if (this.variables.has(name)) return this.variables.get(name)!;
    const decl = this.template.variables?.[name];
    if (decl === undefined) throw new Error(`no variable ${name}`);
    if (this.resolving.has(name)) throw new Error(`variable ${name} refers to itself`);
    this.resolving.add(name);
    const v = this.value(decl);
    this.resolving.delete(name);
    this.variables.set(name, v);
    return v;
  }

  output(name: string): Json {
    const decl = this.template.outputs?.[name];
    if (!decl) throw new Error(`no output ${name}`);
    return this.value(decl.value);
  }

  private allResources(): ArmResource[] {
    const r = this.template.resources;
    return Array.isArray(r) ? r : Object.values(r);
  }

  module(name: string): Deployment {
    const cached = this.modules.get(name);
    if (cached) return cached;
    // A module in a copy loop (one per subscription, managed-subscriptions.bicep) is found by its name in any iteration.
    let found: { raw: ArmResource; copyIndex?: number } | undefined;
    for (const r of this.allResources().filter((x) => x.type === "Microsoft.Resources/deployments")) {
      const count = r.copy === undefined ? undefined : Number(this.value((r.copy as { count: Json }).count));
      for (const copyIndex of count === undefined ? [undefined] : [...Array(count).keys()]) {
        if (!found && this.value(r.name, copyIndex === undefined ? this.ctx : { ...this.ctx, copyIndex }) === name) found = { raw: r, ...(copyIndex !== undefined ? { copyIndex } : {}) };
      }
    }
    if (!found) throw new Error(`no module ${name}`);
    const raw = found.raw;
    const ctx: EvalContext = found.copyIndex === undefined ? this.ctx : { ...this.ctx, copyIndex: found.copyIndex };
    const target = typeof raw.subscriptionId === "string" ? str(this.value(raw.subscriptionId, ctx)) : undefined;
    const props = raw.properties as unknown as { template: ArmTemplate; parameters?: Record<string, Json> };
    // Each entry is `{ value }`, or (a conditional value) an expression evaluating to `{ value }`.
    const params = Object.fromEntries(Object.entries(props.parameters ?? {}).map(([k, p]) => [k, (this.value(p, ctx) as { value: Json }).value]));
    // A module scoped to another subscription (`scope: subscription(id)`) is evaluated there.
    const m = new TemplateDeployment(props.template, params, { ...this.scope, ...(target ? { subscriptionId: target } : {}) });
    this.modules.set(name, m);
    return m;
  }

  /** Copy loops are expanded: one entry per iteration. */
  resources(type: string): EvaluatedResource[] {
    return this.allResources()
      .filter((r) => r.type.toLowerCase() === type.toLowerCase())
      .flatMap((r) => {
        const count = r.copy === undefined ? undefined : Number(this.value((r.copy as { count: Json }).count));
        const indexes = count === undefined ? [undefined] : [...Array(count).keys()];
        return indexes.map((copyIndex) => {
          const ctx: EvalContext = copyIndex === undefined ? this.ctx : { ...this.ctx, copyIndex };
          const subscriptionId = typeof r.subscriptionId === "string" ? str(this.value(r.subscriptionId, ctx)) : undefined;
          return {
            type: r.type,
            name: str(this.value(r.name, ctx)),
            ...(copyIndex !== undefined ? { copyIndex } : {}),
            ...(subscriptionId !== undefined ? { subscriptionId } : {}),
            deployed: r.condition === undefined ? true : this.value(r.condition, ctx) === true,
            // A module's template is evaluated in its own scope (module()); here only the parameters it is passed.
            properties: r.type === "Microsoft.Resources/deployments"
              ? this.value((r.properties as { parameters?: Json } | undefined)?.parameters ?? null, ctx)
              : this.value(r.properties ?? null, ctx),
            raw: r
          };
        });
      });
  }

  private reference(resourceId: string, full: boolean): Json {
    const m = /\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/i.exec(resourceId);
    if (m) {
      const module = this.module(m[1]!);
      const outputs = Object.fromEntries(Object.keys(module.template.outputs ?? {}).map((k) => [k, { value: module.output(k) }]));
      return full ? { properties: { outputs } } : { outputs };
    }
    const short = resourceId.replace(/^.*\/providers\//, "");
    return placeholder(`ref ${short}${full ? " full" : ""}`);
  }
}
