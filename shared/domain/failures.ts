/**
 * The one failure model: what an Azure SDK call (ARM through @azure/core-rest-pipeline, Cosmos
 * through @azure/cosmos) or anything else threw, reduced to what a caller decides on and what a
 * record may keep. Records and activity results carry `code` and `message` only: no stack trace,
 * no file path (messages are cleaned of both).
 */

export type FailureKind =
  /** 429: retry after `retryAfterMs` (Retry-After, else a bucket's refill). */
  | "throttled"
  /** 409 / OperationNotAllowed: another operation holds the resource; wait it out. */
  | "conflict"
  | "notFound"
  /** 5xx, 408, a dropped connection, a timeout: the same request may well work next time. */
  | "transient"
  /** Anything retrying the same request will not fix (400 validation, 403, a bug). */
  | "permanent";

export interface Failure {
  kind: FailureKind;
  code: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
}

/** ARM answers 429 with Retry-After in seconds; without one, wait a bucket's refill (ARM refills 10–25 tokens a second). */
export const DEFAULT_RETRY_AFTER_MS = 5_000;
const MAX_MESSAGE = 1000;

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "REQUEST_SEND_ERROR", "TimeoutError", "AbortError"]);

interface ErrorLike {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  name?: unknown;
  retryAfterInMs?: unknown;
  permanent?: unknown;
  failure?: { code?: unknown; message?: unknown; status?: unknown };
  armError?: { code?: unknown; message?: unknown };
  status?: unknown;
  response?: { headers?: { get?(name: string): string | undefined } | Record<string, unknown> };
  headers?: Record<string, unknown>;
  details?: { error?: { code?: unknown; message?: unknown } };
  body?: { code?: unknown; message?: unknown };
}

/**
 * The durable client's HTTP answers reach callers only as message text: durable-functions 3.x
 * `DurableClient.getStatus` throws `new Error("DurableClient error: Durable Functions extension
 * replied with HTTP 404 response. ...")` and other calls `createGenericError`: "The operation failed
 * with an unexpected status code: 500. ..."; `raiseEvent` answers its 404 as "No instance with ID
 * '<id>' found." (lib/src/durableClient/DurableClient.js). Read here, once.
 */
const DURABLE_CLIENT_STATUS = /^(?:DurableClient error: (?:the )?Durable Functions extension replied with (?:an empty )?HTTP (\d{3})|The operation failed with an unexpected status code: (\d{3}))/;
const DURABLE_CLIENT_NO_INSTANCE = /^No instance with ID '.*' found\.$/;

function statusOf(e: ErrorLike): number | undefined {
  if (typeof e.statusCode === "number") return e.statusCode;
  if (typeof e.code === "number") return e.code;
  if (typeof e.status === "number") return e.status;
  if (typeof e.failure?.status === "number") return e.failure.status;
  if (typeof e.message !== "string") return undefined;
  const durable = DURABLE_CLIENT_STATUS.exec(e.message);
  if (durable) return Number(durable[1] ?? durable[2]);
  return DURABLE_CLIENT_NO_INSTANCE.test(e.message) ? 404 : undefined;
}

/**
 * The one error normaliser at the SDK edge. Classifies what was thrown: a `RestError` (statusCode,
 * code, details.error), a Cosmos `ErrorResponse` (code = HTTP status), the store's `NotFoundError` (its
 * status), the durable client's HTTP answers, a network error, or
 * anything else. Callers decide on `kind` (and `status`), never on an error's name or message.
 */
export function failureOf(err: unknown): Failure {
  if (typeof err !== "object" || err === null) return { kind: "permanent", code: "Error", message: clean(String(err)) };
  const e = err as ErrorLike;
  const status = statusOf(e);
  const armCode = e.details?.error?.code ?? e.failure?.code ?? e.armError?.code ?? e.body?.code;
  const textCode = typeof e.code === "string" ? e.code : undefined;
  const code = typeof armCode === "string" ? armCode : textCode ?? (status ? `Http${status}` : typeof e.name === "string" && e.name !== "Error" ? e.name : "Error");
  const rawMessage = e.details?.error?.message ?? e.failure?.message ?? e.armError?.message ?? e.message;
  const message = clean(typeof rawMessage === "string" ? rawMessage : JSON.stringify(err));
  const base = { code, message, ...(status !== undefined ? { status } : {}) };
  if (status === 429) return { kind: "throttled", ...base, retryAfterMs: retryAfterOf(e) ?? DEFAULT_RETRY_AFTER_MS };
  // Before `permanent`: a wrapped 404 (a `PermanentArmError` carrying ARM's failure) still says "not there".
  if (status === 404) return { kind: "notFound", ...base };
  if (e.permanent === true) return { kind: "permanent", ...base };
  // A record write that lost every ETag race (parallel steps of one operation): others won, so later it will too.
  if (e.name === "ConcurrencyError") return { kind: "transient", ...base };
  if (status === 409 || (code === "OperationNotAllowed" && /in progress/i.test(message))) return { kind: "conflict", ...base };
  if (status === 408 || status === 449 || (status !== undefined && status >= 500)) return { kind: "transient", ...base, ...(retryAfterOf(e) !== undefined ? { retryAfterMs: retryAfterOf(e)! } : {}) };
  if (status === undefined && (NETWORK_CODES.has(textCode ?? "") || NETWORK_CODES.has(String(e.name)))) return { kind: "transient", ...base };
  return { kind: "permanent", ...base };
}

/** Whether what was thrown says the thing asked for does not exist (ARM, Cosmos, the store or the durable client answering 404). */
export function isNotFound(err: unknown): boolean {
  return failureOf(err).kind === "notFound";
}

/** `read`'s value, or undefined when what it reads does not exist; any other failure is thrown (nothing else is taken for "absent"). */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Throttling, 5xx and connection failures: worth the same request again later. */
export function isRetryable(failure: Failure): boolean {
  return failure.kind === "throttled" || failure.kind === "transient";
}

function retryAfterOf(e: ErrorLike): number | undefined {
  if (typeof e.retryAfterInMs === "number" && Number.isFinite(e.retryAfterInMs)) return e.retryAfterInMs;
  const header = (name: string): string | undefined => {
    const h: unknown = e.response?.headers;
    let value: unknown;
    if (typeof h === "object" && h !== null && typeof (h as { get?: unknown }).get === "function") value = (h as { get(n: string): unknown }).get(name);
    else value = (h as Record<string, unknown> | undefined)?.[name] ?? e.headers?.[name];
    return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  };
  const ms = Number(header("x-ms-retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms)) return ms;
  const raw = header("retry-after");
  if (raw === undefined || raw === "") return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A message fit for a record: the first line only (stack frames dropped), absolute paths replaced, bounded. */
export function clean(message: string): string {
  const firstLines = message.split(/\n\s+at /)[0] ?? message;
  return firstLines
    // A URL (`https://host/path`, not `file:///…`) is kept whole: matched first, so its path is never taken for a file's.
    .replace(/\b[a-zA-Z][\w+.-]*:\/\/(?!\/)[^\s"'<>]+|(?:file:\/\/)?(?:\/[\w.@+-]+){2,}(?::\d+(?::\d+)?)?/g, (m) =>
      /^[a-zA-Z][\w+.-]*:\/\/(?!\/)/.test(m) || /^\/(subscriptions|providers|resourceGroups)\//i.test(m) || /\/(subscriptions|resourceGroups|providers)\//i.test(m) ? m : "<path>")
    .replace(/[A-Za-z]:\\(?:[\w.@+-]+\\)*[\w.@+-]+/g, "<path>")
    .trim()
    .slice(0, MAX_MESSAGE);
}
