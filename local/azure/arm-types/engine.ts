/**
 * A data-driven engine for the resource types the AKS baseline deploys: each type is a
 * `ResourceTypeSpec` (routes, long-running or not, name rule, validation, computed properties,
 * children kept in sync, in-use checks on delete) and the engine serves PUT / GET / list / DELETE
 * for it as ARM resource providers do:
 * - PUT answers 201 (create) or 200 (update). Long-running types answer with `Azure-AsyncOperation`
 *   (+ `Retry-After` when configured) and `provisioningState: Updating` (Network's word for both),
 *   then `Succeeded` when the operation completes on the simulator's clock (durations × durationScale).
 * - eTag: a fresh `W/"<uuid>"` on every write; `If-Match` with another value, or on a missing
 *   resource, → 412 PreconditionFailed; `If-None-Match: *` on an existing one → 412.
 * - One write at a time per resource and its parent (409 AnotherOperationInProgress, as Network
 *   answers concurrent PUTs on one firewall policy's rule collection groups).
 * - Faults: `createFailure` (target: the resource id) fails the next create's operation
 *   (resource left `Failed`); `throttle` and `serverError` apply to any path in the kernel.
 */
import { randomUUID } from "node:crypto";
import { ArmError, nameOf, resourceTypeOf, stringParam, type ArmResource, type SimKernel, type SimRequest, type SimResponse } from "../kernel";
import { requireResourceGroup } from "../resources";

export type Json = Record<string, unknown>;

export interface NameRule {
  pattern: RegExp;
  /** Error code (default `InvalidResourceName`). */
  code?: string;
  message: (name: string) => string;
}

export interface WriteContext {
  kernel: SimKernel;
  req: SimRequest;
  id: string;
  /** What will be stored: envelope fields and `properties` (mutable). */
  resource: ArmResource & { properties: Json };
  existing?: ArmResource;
  parent?: ArmResource;
}

export interface ResourceTypeSpec {
  /** `Microsoft.Network/virtualNetworks/subnets`. */
  type: string;
  /** The REST spec example the shapes follow (path in Azure/azure-rest-api-specs). */
  example: string;
  /** `resourceGroup` (under a group), `extension` (`{scope}/providers/...`: role and policy assignments). */
  scope: "resourceGroup" | "extension";
  apiVersions: string[];
  /** PUT is a long-running operation. */
  lro: boolean;
  /** Base duration of a create/update (× durationScale). */
  durationMs: number;
  /** DELETE is a long-running operation (202 + Azure-AsyncOperation). */
  deleteLro: boolean;
  /** The provisioningState a long-running create answers while it runs (default `Updating`, Network's word; ACR says `Creating`). */
  creatingState?: string;
  /** `required` (top-level tracked resources), `optional`, `none` (child and extension resources). */
  location: "required" | "optional" | "none";
  name?: NameRule;
  /** Where the eTag goes: `etag` (Network, KeyVault…) or none. */
  etag: boolean;
  /** Also list at subscription scope (`/subscriptions/{s}/providers/ns/type`). */
  subscriptionList?: boolean;
  validate?(c: WriteContext): void;
  /** Fills computed (read-only) properties before the resource is stored. */
  compute?(c: WriteContext): void;
  /** After the resource is stored (e.g. sync children to the parent's list). */
  afterWrite?(kernel: SimKernel, resource: ArmResource, existing?: ArmResource): void;
  /** When the operation completed (Succeeded). */
  afterComplete?(kernel: SimKernel, resource: ArmResource): void;
  /** Throws to refuse a delete (InUse…). */
  beforeDelete?(kernel: SimKernel, resource: ArmResource): void;
  /** After the resource (and its subtree) was deleted. */
  afterDelete?(kernel: SimKernel, resource: ArmResource): void;
}

const PUT_LRO = "armtypes.put";
/** `{cluster id}/namespaces/{namespace}`: group 1 is the cluster. */
const KUBERNETES_NAMESPACE_SCOPE = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+)\/namespaces\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i;
const DELETE_LRO = "armtypes.delete";

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function typeSegments(type: string): { namespace: string; types: string[] } {
  const [namespace = "", ...types] = type.split("/");
  return { namespace, types };
}

/** The PUT/GET/DELETE template and the collection template for a type. */
export function templatesOf(spec: ResourceTypeSpec): { item: string; collection: string } {
  const { namespace, types } = typeSegments(spec.type);
  const base = spec.scope === "extension" ? "/{*scope}" : "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
  const parts = types.map((t, i) => `${t}/{n${i}}`);
  const item = `${base}/providers/${namespace}/${parts.join("/")}`;
  const collection = `${base}/providers/${namespace}/${[...parts.slice(0, -1), types[types.length - 1]].join("/")}`;
  return { item, collection };
}

function idFrom(spec: ResourceTypeSpec, p: Record<string, string>): string {
  const { namespace, types } = typeSegments(spec.type);
  const base = spec.scope === "extension" ? (p.scope ?? "") : `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}`;
  return `${base}/providers/${namespace}/${types.map((t, i) => `${t}/${p[`n${i}`] ?? ""}`).join("/")}`;
}

function parentIdOf(id: string): string | undefined {
  const parts = id.split("/");
  const providers = parts.map((x) => x.toLowerCase()).lastIndexOf("providers");
  // ns/type/name is 3 segments after providers; a child has 5 or more.
  return parts.length - providers - 1 > 3 ? parts.slice(0, -2).join("/") : undefined;
}

/** Throws 412 unless the request's If-Match / If-None-Match allow writing over `current`. */
export function checkPreconditions(req: SimRequest, current: ArmResource | undefined): void {
  const ifMatch = header(req, "if-match");
  const etag = typeof current?.etag === "string" ? current.etag : undefined;
  if (ifMatch) {
    const wanted = ifMatch.split(",").map((t) => t.trim());
    if (!current || !(wanted.includes("*") || (etag !== undefined && wanted.includes(etag)))) {
      throw new ArmError(412, "PreconditionFailed", `The condition specified using HTTP conditional header(s) is not met. If-Match: ${ifMatch}; current etag: ${etag ?? "(none)"}.`);
    }
  }
  if (header(req, "if-none-match")?.trim() === "*" && current) {
    throw new ArmError(412, "PreconditionFailed", "The condition specified using HTTP conditional header(s) is not met. If-None-Match: * and the resource exists.");
  }
}

/** Resources (other than `self`, its parent chain and its children) whose JSON names `id`. */
export function referencesTo(kernel: SimKernel, id: string, ignore: string[] = []): ArmResource[] {
  const needle = `"${id.toLowerCase()}"`;
  const skip = [id, ...ignore].map((x) => x.toLowerCase());
  return kernel.store.list().filter((r) => {
    const rid = r.id.toLowerCase();
    if (skip.some((s) => rid === s || rid.startsWith(s + "/") || s.startsWith(rid + "/"))) return false;
    return JSON.stringify(r).toLowerCase().includes(needle);
  });
}

export class ArmTypeRegistry {
  private readonly specs = new Map<string, ResourceTypeSpec>();

  constructor(private readonly kernel: SimKernel) {
    kernel.lro.handle(PUT_LRO, (op) => {
      const { id, fail } = op.context as { id: string; fail?: { code: string; message: string } };
      const r = kernel.store.get(id);
      if (!r) return {};
      if (fail) {
        kernel.store.put(id, { ...r, properties: { ...record(r.properties), provisioningState: "Failed" } });
        throw new ArmError(400, fail.code, fail.message);
      }
      const done = { ...r, properties: { ...record(r.properties), provisioningState: "Succeeded" } };
      kernel.store.put(id, done);
      this.specOf(id)?.afterComplete?.(kernel, kernel.store.get(id)!);
      return { result: kernel.store.get(id) };
    });
    kernel.lro.handle(DELETE_LRO, (op) => {
      const { id } = op.context as { id: string };
      const r = kernel.store.get(id);
      if (!r) return {};
      kernel.store.deleteTree(id);
      this.specOf(id)?.afterDelete?.(kernel, r);
      return {};
    });
  }

  specOf(id: string): ResourceTypeSpec | undefined {
    return this.specs.get(resourceTypeOf(id).toLowerCase());
  }

  register(spec: ResourceTypeSpec): void {
    const { kernel } = this;
    this.specs.set(spec.type.toLowerCase(), spec);
    kernel.apiVersions.register(spec.type, spec.apiVersions);
    if (spec.subscriptionList) kernel.apiVersions.register(spec.type.split("/").slice(0, 2).join("/"), spec.apiVersions);
    const { item, collection } = templatesOf(spec);
    const label = spec.type.split("/").slice(1).map((t) => t[0]!.toUpperCase() + t.slice(1)).join("");
    kernel.router.arm("PUT", item, (req, p) => this.put(spec, req, p), { operation: `${label}_CreateOrUpdate`, kind: "write" });
    kernel.router.arm("GET", item, (req, p) => this.get(spec, req, p), { operation: `${label}_Get`, kind: "read" });
    kernel.router.arm("DELETE", item, (req, p) => this.remove(spec, req, p), { operation: `${label}_Delete`, kind: "delete" });
    kernel.router.arm("GET", collection, (req, p) => this.list(spec, req, p), { operation: `${label}_List`, kind: "read" });
    if (spec.subscriptionList) {
      const { namespace, types } = typeSegments(spec.type);
      kernel.router.arm("GET", `/subscriptions/{subscriptionId}/providers/${namespace}/${types[0]}`, (req, p) => {
        const items = kernel.store.list({ prefix: `/subscriptions/${p.subscriptionId}`, type: spec.type });
        return kernel.page(req, items.map((r) => this.view(r)));
      }, { operation: `${label}_ListAll`, kind: "read" });
    }
  }

  /** What GET returns (bookkeeping removed). */
  view(r: ArmResource): ArmResource {
    const { systemData: _s, ...rest } = r;
    return rest;
  }

  private put(spec: ResourceTypeSpec, req: SimRequest, p: Record<string, string>): SimResponse {
    const { kernel } = this;
    const id = idFrom(spec, p);
    if (spec.scope === "resourceGroup") requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
    const parentId = spec.scope === "extension" ? (p.scope ?? "") : parentIdOf(id);
    // A Kubernetes namespace is a scope Azure RBAC for Kubernetes accepts without an ARM resource
    // of its own (`{cluster}/namespaces/{ns}`, learn.microsoft.com/azure/aks/manage-azure-rbac
    // "Create role assignments for users to access the cluster": `--scope $AKS_ID/namespaces/<namespace-name>`;
    // mspnp/aks-baseline cluster-stamp.bicep assigns AKS RBAC Reader at `nsA0008`): the cluster must exist.
    const mustExist = spec.scope === "extension" ? (KUBERNETES_NAMESPACE_SCOPE.exec(parentId ?? "")?.[1] ?? parentId) : parentId;
    const parent = mustExist ? kernel.store.get(mustExist) : undefined;
    if (mustExist && !parent && !/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?$/i.test(mustExist)) throw kernel.notFound(mustExist);
    if (spec.scope === "extension") {
      const rg = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(parentId ?? "");
      if (rg) requireResourceGroup(kernel, rg[1] ?? "", rg[2] ?? "");
    }
    const name = nameOf(id);
    if (spec.name && !spec.name.pattern.test(name)) throw new ArmError(400, spec.name.code ?? "InvalidResourceName", spec.name.message(name));
    const existing = kernel.store.get(id);
    checkPreconditions(req, existing);
    // One write at a time on a resource, its parent and its siblings (a firewall policy's rule collection groups).
    const busy = kernel.lro.active(spec.scope === "extension" || !parentId ? id : parentId)[0];
    if (busy && spec.lro) {
      throw new ArmError(409, "AnotherOperationInProgress",
        `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${kernel.lro.headersFor(busy)["Azure-AsyncOperation"]}.`);
    }
    const body = record(req.body);
    if (spec.location === "required" && (typeof body.location !== "string" || !body.location)) {
      throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
    }
    const { id: _i, name: _n, type: _t, systemData: _s, etag: _e, properties, ...fields } = body;
    const resource = {
      ...kernel.store.envelope(id, fields),
      ...(typeof existing?.location === "string" && spec.location !== "none" ? { location: existing.location } : {}),
      properties: { ...structuredClone(record(properties)) }
    } as ArmResource & { properties: Json };
    if (spec.location === "none") delete resource.location;
    if (spec.etag) resource.etag = `W/"${randomUUID()}"`;
    const c: WriteContext = { kernel, req, id, resource, existing, parent };
    spec.validate?.(c);
    spec.compute?.(c);
    const failing = !existing ? kernel.faults.take("createFailure", id) : undefined;
    resource.properties.provisioningState = spec.lro ? (!existing && spec.creatingState ? spec.creatingState : "Updating") : failing ? "Failed" : "Succeeded";
    const stored = kernel.store.put(id, resource);
    spec.afterWrite?.(kernel, stored, existing);
    const status = existing ? 200 : 201;
    if (failing && !spec.lro) throw failure(failing);
    if (!spec.lro) {
      spec.afterComplete?.(kernel, kernel.store.get(id)!);
      return { status, body: this.view(kernel.store.get(id)!) };
    }
    const location = typeof stored.location === "string" && stored.location !== "global" ? stored.location : kernel.config.location;
    const fail = failing ? { code: failure(failing).code, message: failure(failing).message } : undefined;
    const { headers } = kernel.lro.begin({
      resourceId: id, operation: PUT_LRO, durationMs: kernel.scaled(spec.durationMs), location, apiVersion: req.query.get("api-version") ?? "",
      context: { id, ...(fail ? { fail } : {}) }
    });
    return { status, headers, body: this.view(kernel.store.get(id)!) };
  }

  private get(spec: ResourceTypeSpec, _req: SimRequest, p: Record<string, string>): SimResponse {
    const id = idFrom(spec, p);
    if (spec.scope === "resourceGroup") requireResourceGroup(this.kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
    const r = this.kernel.store.get(id);
    if (!r) throw this.kernel.notFound(id);
    return { status: 200, body: this.view(r) };
  }

  private list(spec: ResourceTypeSpec, req: SimRequest, p: Record<string, string>): SimResponse {
    const { kernel } = this;
    if (spec.scope === "resourceGroup") requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
    const sample = idFrom(spec, { ...p, [`n${typeSegments(spec.type).types.length - 1}`]: "x" });
    const under = (spec.scope === "extension" ? (p.scope ?? "") : sample.split("/").slice(0, -1).join("/")).toLowerCase() + "/";
    const depth = sample.split("/").length;
    // Role and policy assignments list what is at or under the scope; other types their parent's children.
    const items = kernel.store.list({ type: spec.type })
      .filter((r) => r.id.toLowerCase().startsWith(under) && (spec.scope === "extension" || r.id.split("/").length === depth));
    return kernel.page(req, items.map((r) => this.view(r)));
  }

  private remove(spec: ResourceTypeSpec, req: SimRequest, p: Record<string, string>): SimResponse {
    const { kernel } = this;
    const id = idFrom(spec, p);
    const r = kernel.store.get(id);
    if (!r) return { status: 204 };
    checkPreconditions(req, r);
    spec.beforeDelete?.(kernel, r);
    if (!spec.deleteLro) {
      kernel.store.deleteTree(id);
      spec.afterDelete?.(kernel, r);
      return { status: 200 };
    }
    kernel.store.put(id, { ...r, properties: { ...record(r.properties), provisioningState: "Deleting" } });
    const location = typeof r.location === "string" && r.location !== "global" ? r.location : kernel.config.location;
    const { headers } = kernel.lro.begin({
      resourceId: id, operation: DELETE_LRO, durationMs: kernel.scaled(Math.max(10_000, spec.durationMs / 2)), location,
      apiVersion: req.query.get("api-version") ?? "", context: { id }
    });
    return { status: 202, headers };
  }
}

function failure(fault: { [k: string]: unknown }): ArmError {
  return new ArmError(400, stringParam(fault as never, "code") ?? "InternalServerError",
    stringParam(fault as never, "message") ?? "An error occurred while provisioning the resource. Retry the operation.");
}
