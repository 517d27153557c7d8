/**
 * Converts between a node:http exchange and the worker's RPC HTTP shapes (`RpcHttpData` in
 * types-core/index.d.ts). The request goes in as the Functions host sends it to the Node worker,
 * given the capabilities that worker declares (src/eventHandlers/getWorkerCapabilities.ts):
 * `RawHttpBodyBytes` and `RpcHttpBodyOnly` (the body as bytes, no rawBody),
 * `UseNullableValueDictionaryForHttp` (nullableHeaders/nullableQuery/nullableParams),
 * `IgnoreEmptyValuedRpcHttpHeaders` (empty headers dropped) and `RpcHttpTriggerMetadataRemoved`
 * (no trigger metadata for HTTP). The response comes back from `@azure/functions`' toRpcHttp
 * (statusCode string, headers, cookies, body as bytes).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RpcTypedData } from "../extension";

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: { value?: string | null } | null;
  path?: { value?: string | null } | null;
  expires?: { value?: { seconds?: number | null; nanos?: number | null } | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: "none" | "lax" | "strict" | "explicitNone" | null;
  maxAge?: { value?: number | null } | null;
}

export type NullableStrings = Record<string, { value?: string | null }>;

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  rawBody?: RpcTypedData | null;
  params?: Record<string, string> | null;
  query?: Record<string, string> | null;
  statusCode?: string | null;
  cookies?: RpcHttpCookie[] | null;
  identities?: unknown[] | null;
  nullableHeaders?: NullableStrings | null;
  nullableQuery?: NullableStrings | null;
  nullableParams?: NullableStrings | null;
  enableContentNegotiation?: boolean | null;
}

/**
 * The Functions host's limit on a request body: 100 MB (104,857,600 bytes) unless the app setting
 * `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` (bytes) changes it, as in Azure.
 */
export const DEFAULT_REQUEST_BODY_SIZE_LIMIT = 104_857_600;

export function requestBodySizeLimit(settings: Readonly<Record<string, string>>): number {
  const raw = settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT;
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_REQUEST_BODY_SIZE_LIMIT;
}

export class RequestBodyTooLargeError extends Error {
  override readonly name = "RequestBodyTooLargeError";
  constructor(readonly limit: number) {
    super(`Request body too large (limit ${limit} bytes)`);
  }
}

/**
 * Reads the body, at most `limit` bytes of it: a declared `content-length` over the limit is
 * refused before reading, and a body that grows past it stops being kept (the rest is drained
 * and discarded so the 413 can be answered on the same connection).
 */
export function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "");
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new RequestBodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => (over ? reject(new RequestBodyTooLargeError(limit)) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || value === "") continue;
    headers[name] = Array.isArray(value) ? value.join(name === "cookie" ? "; " : ", ") : value;
  }
  return headers;
}

export function queryRecord(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) {
    query[key] = url.searchParams.getAll(key).join(",");
  }
  return query;
}

export function toRpcHttpRequest(req: IncomingMessage, url: URL, body: Buffer, params: Record<string, string>): RpcHttpData {
  return {
    method: req.method ?? "GET",
    url: url.toString(),
    nullableHeaders: nullable(flattenHeaders(req)),
    nullableQuery: nullable(queryRecord(url)),
    nullableParams: nullable(params),
    body: { bytes: body },
    identities: []
  };
}

function nullable(values: Record<string, string>): NullableStrings {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
}

/** Writes an `RpcHttpData` response. A function that returned nothing answers 204 with no body. */
export function writeRpcHttpResponse(res: ServerResponse, http: RpcHttpData | null | undefined): void {
  if (!http) {
    res.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? "200") || 200;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    res.setHeader(name, value);
  }
  const cookies = (http.cookies ?? []).map(formatSetCookie);
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = bodyBytes(http.body);
  res.statusCode = status;
  if (body.length > 0 && status !== 204 && status !== 304) {
    res.setHeader("content-length", body.length);
    res.end(body);
  } else {
    res.end();
  }
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes);
  if (body.stream) return Buffer.from(body.stream);
  if (typeof body.string === "string") return Buffer.from(body.string, "utf8");
  if (typeof body.json === "string") return Buffer.from(body.json, "utf8");
  if (typeof body.int === "number") return Buffer.from(String(body.int));
  if (typeof body.double === "number") return Buffer.from(String(body.double));
  return Buffer.alloc(0);
}

/** RFC 6265 `Set-Cookie`, from the fields `toRpcHttpCookie` fills. */
export function formatSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ""}=${cookie.value ?? ""}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires && (expires.seconds ?? null) !== null) {
    const ms = Number(expires.seconds) * 1000 + Math.floor(Number(expires.nanos ?? 0) / 1e6);
    parts.push(`Expires=${new Date(ms).toUTCString()}`);
  }
  if (typeof cookie.maxAge?.value === "number") parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push("Secure");
  if (cookie.httpOnly?.value) parts.push("HttpOnly");
  if (cookie.sameSite === "lax") parts.push("SameSite=Lax");
  else if (cookie.sameSite === "strict") parts.push("SameSite=Strict");
  else if (cookie.sameSite === "explicitNone") parts.push("SameSite=None");
  return parts.join("; ");
}
