/**
 * Any ARM resource by id: GET, PUT (a long-running PUT answers its `Azure-AsyncOperation` path and
 * returns at once) and the operation's status. Sent through the resources client's pipeline (its
 * credential and, locally, its trust policy; built in arm-clients.ts). Not the SDK's generic
 * `createOrUpdateById`: its `GenericResource` serializer drops top-level fields it does not model,
 * such as `zones`, which the firewall, public IPs and App Gateway carry.
 */
import { createDefaultHttpClient, createPipelineRequest, type HttpClient, type Pipeline } from "@azure/core-rest-pipeline";
import type { ArmClients } from "./arm-clients";
import { unlessNotFound } from "../domain/failures";
import { armPhaseOf, type ArmPhase } from "./arm-operations";

type Json = Record<string, unknown>;

/** An async operation's status resource (`Azure-AsyncOperation`): ARM's `status`, its phase (arm-operations.ts), and its error when it failed. */
export interface ArmOperationStatus { status: string; phase: ArmPhase; error?: { code: string; message: string } }

export interface ArmResourcePort {
  /** The resource, or undefined on 404. */
  getArmResource(id: string, apiVersion: string): Promise<Json | undefined>;
  /** PUT; `operationPath` when ARM answered with an asynchronous operation to poll. */
  putArmResource(id: string, apiVersion: string, body: Json): Promise<{ status: number; body: Json; operationPath?: string }>;
  readArmOperation(path: string): Promise<ArmOperationStatus>;
  /** A collection (`{scope}/providers/ns/type`, query allowed), every page (`nextLink`) up to `maxPages`; a 404 is thrown. */
  listArmResources(path: string, apiVersion: string, maxPages?: number): Promise<Json[]>;
}

/** ARM's error answer, shaped as the failure model reads SDK errors (status, ARM code, Retry-After). */
export class ArmRequestError extends Error {
  override readonly name = "ArmRequestError";
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly response: { headers: Record<string, string | undefined> }) {
    super(message);
  }
}

type Sent = { status: number; body: Json; headers: { get(name: string): string | undefined } };

/** One ARM request through a client's pipeline (its credential, retry and, locally, trust policies); ARM's error answer thrown as `ArmRequestError`. */
async function sendArm(pipeline: Pipeline, http: HttpClient, base: string, method: "GET" | "PUT", path: string, body?: Json): Promise<Sent> {
  const request = createPipelineRequest({ url: /^https?:\/\//i.test(path) ? path : `${base}${path}`, method, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (body) request.headers.set("content-type", "application/json");
  const response = await pipeline.sendRequest(http, request);
  let parsed: Json = {};
  try { parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as Json) : {}; } catch { /* not JSON */ }
  if (response.status >= 400) {
    const error = (parsed.error ?? parsed) as { code?: unknown; message?: unknown };
    throw new ArmRequestError(response.status, typeof error.code === "string" ? error.code : `Http${response.status}`,
      typeof error.message === "string" ? error.message : `${method} ${path} answered HTTP ${response.status}`,
      { headers: { "retry-after": response.headers.get("retry-after"), "x-ms-retry-after-ms": response.headers.get("x-ms-retry-after-ms") } });
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * The one reader of a long-running operation's status: one GET of its `Azure-AsyncOperation` path
 * (as records keep it, arm-operations.ts) or URL (as a serialized poller names it), through
 * whichever client's pipeline the caller has.
 * The body is `{ status, error? }` (ARM resource provider contract, async-api-reference.md
 * "Azure-AsyncOperation Resource format"); a status ARM omits reads as in progress.
 */
export async function readArmOperationStatus(pipeline: Pipeline, armEndpoint: string, operationPath: string, http: HttpClient = createDefaultHttpClient()): Promise<ArmOperationStatus> {
  const res = await sendArm(pipeline, http, armEndpoint.replace(/\/+$/, ""), "GET", operationPath);
  const status = typeof res.body.status === "string" ? res.body.status : "InProgress";
  const error = res.body.error as { code?: unknown; message?: unknown } | undefined;
  return {
    status, phase: armPhaseOf(status) ?? "inProgress",
    ...(error ? { error: { code: typeof error.code === "string" ? error.code : "Failed", message: typeof error.message === "string" ? error.message : "" } } : {})
  };
}

export function createArmResourcePort(clients: Pick<ArmClients, "resources">, armEndpoint: string, http: HttpClient = createDefaultHttpClient()): ArmResourcePort {
  const base = armEndpoint.replace(/\/+$/, "");
  const send = (method: "GET" | "PUT", path: string, body?: Json): Promise<Sent> => sendArm(clients.resources.pipeline, http, base, method, path, body);
  const withVersion = (id: string, apiVersion: string) => `${id}?api-version=${encodeURIComponent(apiVersion)}`;
  return {
    async getArmResource(id, apiVersion) {
      return (await unlessNotFound(send("GET", withVersion(id, apiVersion))))?.body;
    },
    async putArmResource(id, apiVersion, body) {
      const res = await send("PUT", withVersion(id, apiVersion), body);
      const location = res.headers.get("azure-asyncoperation") ?? (res.status === 202 ? res.headers.get("location") : undefined);
      let operationPath: string | undefined;
      if (location) {
        try { const u = new URL(location); operationPath = `${u.pathname}${u.search}`; } catch { operationPath = location; }
      }
      return { status: res.status, body: res.body, ...(operationPath ? { operationPath } : {}) };
    },
    async listArmResources(path, apiVersion, maxPages = 20) {
      const items: Json[] = [];
      let next: string | undefined = `${path}${path.includes("?") ? "&" : "?"}api-version=${encodeURIComponent(apiVersion)}`;
      for (let page = 0; next && page < maxPages; page++) {
        const res = await send("GET", next);
        items.push(...(Array.isArray(res.body.value) ? (res.body.value as Json[]) : []));
        const link = typeof res.body.nextLink === "string" ? res.body.nextLink : undefined;
        next = undefined;
        if (link) {
          try { const u = new URL(link); next = `${u.pathname}${u.search}`; } catch { next = undefined; }
        }
      }
      return items;
    },
    readArmOperation(path) {
      return readArmOperationStatus(clients.resources.pipeline, base, path, http);
    }
  };
}
