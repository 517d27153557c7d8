import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { partitionKeyValue, type CosmosJournal } from "./journal";
import type { CosmosFaults, CosmosRefusal } from "./faults";
import { isWrite } from "./write-tracker";
import { redactError, redactSecrets } from "../host/redact";

/** Cosmos DB's largest item: 2 MB (learn.microsoft.com, "Azure Cosmos DB service quotas", per-item limits). */
export const MAX_ITEM_BYTES = 2 * 1024 * 1024;
/**
 * Ids are at most 255 characters: the limit the Cosmos emulator and the service without a support
 * request enforce ("The input name '…' is invalid. Ensure to provide a unique non-empty string less
 * than '255' characters.", 400 BadRequest). `/ \ ? #` are reserved in resource ids: the service
 * stores such a document but cannot read or delete it by id afterwards, and `@azure/cosmos`
 * refuses them client-side ("Id contains illegal chars."); the embedded Cosmos refuses them at the
 * server too, so a caller that bypasses the SDK's check meets the failure here, not later. The same
 * for ids that end in a space (`@azure/cosmos` common/helper.ts: "Id ends with a space."), hold
 * `\t \r \n` (azure-sdk-for-python azure/cosmos/_base.py: `_VALID_COSMOS_RESOURCE = ^[^/\\#?\t\r\n]*$`,
 * "Id ends with a space or newline."), or are `.` or `..` (dot-segments: `docs/..` is the collection's
 * own URL after RFC 3986 §5.2.4 removal, so such an item can be created but never read by id).
 */
export const MAX_ID_LENGTH = 255;
const ILLEGAL_ID = /[/\\?#]/;
const CONTROL_IN_ID = /[\t\r\n]/;

interface CosmosRoute {
  db?: string;
  container?: string;
  /** `docs` (no id: create, upsert, batch) or a document id. */
  docs?: { id?: string };
  /** The route names a resource this wrapper does not journal (UDFs, stored procedures...). */
  other: boolean;
}

function parseRoute(url: string | undefined): CosmosRoute | undefined {
  const pathname = new URL(url ?? "/", "https://cosmos.local").pathname;
  let segments: string[];
  try {
    segments = pathname.split("/").filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (segments[0] !== "dbs") return undefined;
  const route: CosmosRoute = { other: false };
  if (segments.length >= 2) route.db = segments[1];
  if (segments.length >= 3 && segments[2] !== "colls") return { ...route, other: true };
  if (segments.length >= 4) route.container = segments[3];
  if (segments.length >= 5) {
    if (segments[4] !== "docs") return { ...route, other: true };
    route.docs = segments.length >= 6 ? { id: segments.slice(5).join("/") } : {};
  }
  return route;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function flagged(req: IncomingMessage, name: string): boolean {
  return header(req, name)?.toLowerCase() === "true";
}

/** The journal key of an `x-ms-documentdb-partitionkey` header (`["v"]`); undefined when absent or unreadable. */
function partitionKeyFromHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return partitionKeyValue(Array.isArray(parsed) ? parsed[0] : parsed);
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** Why an id is refused, or undefined. */
export function invalidCosmosId(id: unknown): string | undefined {
  if (typeof id !== "string") return undefined; // a missing id is the server's own 400
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    return `The input name '${id.length > 300 ? `${id.slice(0, 300)}…` : id}' is invalid. Ensure to provide a unique non-empty string less than '${MAX_ID_LENGTH}' characters.`;
  }
  if (ILLEGAL_ID.test(id)) return `The input name '${id}' is invalid: an id cannot contain '/', '\\', '?' or '#'.`;
  if (id.endsWith(" ")) return `The input name '${id}' is invalid: an id cannot end with a space.`;
  if (CONTROL_IN_ID.test(id)) return `The input name '${JSON.stringify(id)}' is invalid: an id cannot contain a tab, carriage return or newline.`;
  if (id === "." || id === "..") return `The input name '${id}' is invalid: an id cannot be a dot-segment ('.' or '..').`;
  return undefined;
}

type Refusal = CosmosRefusal;

/** Checks a write's ids and item size as Cosmos does, before the server applies it. */
function refusal(req: IncomingMessage, route: CosmosRoute, body: Buffer): Refusal | undefined {
  const method = req.method ?? "GET";
  if (method !== "POST" && method !== "PUT") return undefined;
  const batch = flagged(req, "x-ms-cosmos-is-batch-request");
  if (route.docs && !batch && body.length > MAX_ITEM_BYTES) {
    return { status: 413, code: "RequestEntityTooLarge", message: "Request size is too large" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined; // the server answers malformed JSON itself
  }
  const ids: unknown[] = [];
  if (batch && Array.isArray(parsed)) {
    for (const op of parsed) {
      const operation = asRecord(op);
      ids.push(asRecord(operation?.resourceBody)?.id ?? operation?.id);
      if (Buffer.byteLength(JSON.stringify(operation?.resourceBody ?? null)) > MAX_ITEM_BYTES) {
        return { status: 413, code: "RequestEntityTooLarge", message: "Request size is too large" };
      }
    }
  } else {
    ids.push(asRecord(parsed)?.id);
  }
  for (const id of ids) {
    const reason = invalidCosmosId(id);
    if (reason) return { status: 400, code: "BadRequest", message: reason };
  }
  return undefined;
}

/** Applies an acknowledged write to the journal, from the request and the server's answer. */
function journalWrite(journal: CosmosJournal, req: IncomingMessage, route: CosmosRoute, requestBody: Buffer, responseText: string | undefined): void {
  if (route.other) return;
  const method = req.method ?? "GET";
  const response: unknown = responseText ? JSON.parse(responseText) : undefined;
  const { db, container, docs } = route;
  if (db === undefined) {
    const id = asRecord(response)?.id;
    if (method === "POST" && typeof id === "string") journal.putDatabase(id);
    return;
  }
  if (container === undefined) {
    if (method === "DELETE") journal.deleteDatabase(db);
    else if (method === "POST" && asRecord(response)) journal.putContainer(db, asRecord(response) as never);
    return;
  }
  if (!docs) {
    if (method === "DELETE") journal.deleteContainer(db, container);
    else if (method === "PUT" && asRecord(response)) journal.putContainer(db, asRecord(response) as never);
    return;
  }
  if (docs.id !== undefined && method === "DELETE") {
    journal.deleteDocument(db, container, docs.id, partitionKeyFromHeader(header(req, "x-ms-documentdb-partitionkey")));
    return;
  }
  if (method === "POST" && flagged(req, "x-ms-cosmos-is-batch-request")) {
    const operations: unknown = JSON.parse(requestBody.toString("utf8"));
    const results = Array.isArray(response) ? response : [];
    results.forEach((result, i) => {
      const outcome = asRecord(result);
      const operation = Array.isArray(operations) ? asRecord(operations[i]) : undefined;
      if (!outcome || typeof outcome.statusCode !== "number" || outcome.statusCode >= 400 || !operation) return;
      if (operation.operationType === "Delete" && typeof operation.id === "string") {
        journal.deleteDocument(db, container, operation.id, partitionKeyFromHeader(typeof operation.partitionKey === "string" ? operation.partitionKey : undefined));
      } else if (operation.operationType !== "Read" && asRecord(outcome.resourceBody)) {
        journal.putDocument(db, container, asRecord(outcome.resourceBody) as Record<string, unknown>);
      }
    });
    return;
  }
  const doc = asRecord(response);
  if (doc) journal.putDocument(db, container, doc);
}

function refuse(res: ServerResponse, refused: Refusal): void {
  const body = JSON.stringify({ code: refused.code, message: refused.message });
  res.writeHead(refused.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-ms-request-charge": "0", ...refused.headers });
  res.end(body);
}

/**
 * Puts the journal under cosmosdb-server: its request listener is replaced by one that reads a
 * write's body first (to refuse ids and sizes Cosmos refuses), hands the server a replay of it, and
 * holds the server's answer until the write is committed to SQLite. A write that cannot be made
 * durable is answered 500, not acknowledged. `enabled()` is false while the journal itself is
 * being restored into the server. `faults` (tests) may refuse a document write before all that.
 */
export function journalWrites(server: Server, journal: CosmosJournal, enabled: () => boolean, faults?: CosmosFaults): void {
  const inner = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    for (const listener of inner) listener(req, res);
  };
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const route = isWrite(req) ? parseRoute(req.url) : undefined;
    if (!route) {
      handle(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const refused = (route.docs && enabled() ? faults?.refusalFor(route.container) : undefined)
        // A restore replays writes this server acknowledged before: a rule added since does not refuse them.
        ?? (enabled() ? refusal(req, route, body) : undefined);
      if (refused) {
        refuse(res, refused);
        return;
      }
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      (res as { end: (chunk?: unknown) => ServerResponse }).end = (chunk?: unknown): ServerResponse => {
        if (enabled() && res.statusCode < 400) {
          try {
            journal.atomically(() => journalWrite(journal, req, route, body, typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined));
          } catch (err) {
            console.error(redactSecrets(`embedded Cosmos: ${req.method ?? ""} ${req.url ?? ""} could not be journaled to ${journal.path}`), redactError(err));
            res.statusCode = 500;
            res.removeHeader("etag");
            return end(JSON.stringify({ code: "InternalServerError", message: "The write could not be made durable." }));
          }
        }
        return end(chunk);
      };
      const replay = Object.assign(Readable.from(body.length ? [body] : []), { method: req.method, url: req.url, headers: req.headers });
      handle(replay as unknown as IncomingMessage, res);
    });
  });
}
