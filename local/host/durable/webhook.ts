/**
 * The durable HTTP API under `/runtime/webhooks/durabletask/`, answering with the status codes the
 * SDK's DurableClient expects (lib/src/durableClient/DurableClient.js): start 202 + payload with `id`;
 * status 200 (finished) / 202 (running, pending, suspended) / 404; list with `x-ms-continuation-token`
 * paging; raise/terminate/suspend/resume 202, 404 unknown, 410 already finished; purge 200 / 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { managementUrls, WEBHOOK_PREFIX } from "./clientBinding";
import { DurableEngineError, InstanceAlreadyExistsError, OrchestratorNotFoundError } from "./errors";
import type { ControlResult, DurableManagement, InstanceFilter } from "./management";
import { isTerminal, type RuntimeStatus } from "./model";

/** Where management links point: the host's public base URL and the system key they carry. */
export interface WebhookLinks { publicBaseUrl: string; systemKey: string }

/** Serves the API under `prefix`: the public webhook path, or the loopback RPC endpoint's. */
export async function handleDurableWebhook(mgmt: DurableManagement, req: IncomingMessage, res: ServerResponse, url: URL,
  linkBase: WebhookLinks, prefix: string = WEBHOOK_PREFIX): Promise<boolean> {
  if (!url.pathname.startsWith(`${prefix}/`)) return false;
  const parts = url.pathname.slice(prefix.length + 1).split("/").map(decodeURIComponent);
  const method = (req.method ?? "GET").toUpperCase();
  const body = method === "POST" || method === "PUT" ? await readBody(req) : "";
  const q = url.searchParams;
  try {
    const [head, id, verb, arg] = parts;
    if (head === "orchestrators" && method === "POST" && id) {
      if (body !== "" && !isJson(body)) return send(res, 400, { message: "The request body is not valid JSON." });
      const rec = mgmt.startNew(id, { instanceId: verb || undefined, input: body });
      const payload = links(linkBase, url, rec.instanceId);
      return send(res, 202, payload, { Location: payload.statusQueryGetUri ?? "" });
    }
    if (head === "instances" && (id === undefined || id === "")) {
      const filter = instanceFilter(q);
      if (method === "GET") {
        const page = mgmt.query(filter, {
          top: q.has("top") ? Number(q.get("top")) : undefined,
          continuationToken: String(req.headers["x-ms-continuation-token"] ?? "") || undefined,
          showInput: q.get("showInput") === "true",
        });
        return send(res, 200, page.items, page.continuationToken ? { "x-ms-continuation-token": page.continuationToken } : {});
      }
      if (method === "DELETE") {
        const deleted = mgmt.purgeWhere(filter);
        return deleted > 0 ? send(res, 200, { instancesDeleted: deleted }) : send(res, 404, { instancesDeleted: 0 });
      }
    }
    if (head === "instances" && id) {
      if (method === "GET" && verb === undefined) {
        const status = mgmt.getStatus(id, {
          showHistory: q.get("showHistory") === "true",
          showHistoryOutput: q.get("showHistoryOutput") === "true",
          showInput: q.get("showInput") !== "false",
        });
        if (!status) return send(res, 404, { message: `No instance with ID '${id}' found.` });
        const running = !isTerminal(status.runtimeStatus as RuntimeStatus);
        const failedAs500 = status.runtimeStatus === "Failed" && q.get("returnInternalServerErrorOnFailure") === "true";
        return send(res, failedAs500 ? 500 : running ? 202 : 200, status, running ? { Location: url.href, "Retry-After": "10" } : {});
      }
      if (method === "DELETE" && verb === undefined) {
        return mgmt.purge(id) > 0 ? send(res, 200, { instancesDeleted: 1 }) : send(res, 404, { instancesDeleted: 0 });
      }
      if (method === "POST" && verb === "raiseEvent" && arg) {
        if (body !== "" && !isJson(body)) return send(res, 400, { message: "The event data is not valid JSON." });
        return control(res, id, mgmt.raiseEvent(id, arg, body));
      }
      const reason = q.get("reason") ?? "";
      if (method === "POST" && verb === "terminate") return control(res, id, mgmt.terminate(id, reason));
      if (method === "POST" && verb === "suspend") return control(res, id, mgmt.suspend(id, reason));
      if (method === "POST" && verb === "resume") return control(res, id, mgmt.resume(id, reason));
      if (method === "POST" && (verb === "rewind" || verb === "restart")) {
        return send(res, 501, { message: `${verb} is not supported by the local host.` });
      }
    }
    if (head === "entities" && id && verb !== undefined) {
      if (method === "POST") {
        if (body !== "" && !isJson(body)) return send(res, 400, { message: "The operation input is not valid JSON." });
        mgmt.signalEntity(id, verb, q.get("op") ?? "", body);
        return send(res, 202, null);
      }
      if (method === "GET") {
        const entity = mgmt.readEntity(id, verb);
        if (!entity) return send(res, 404, { message: `Entity '@${id}@${verb}' does not exist.` });
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
        res.end(entity.state ?? "null");
        return true;
      }
    }
    return send(res, 404, { message: `No durable API route for ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof OrchestratorNotFoundError) return send(res, 400, { message: err.message });
    if (err instanceof InstanceAlreadyExistsError) return send(res, 409, { message: err.message });
    if (err instanceof DurableEngineError) return send(res, 400, { message: err.message });
    return send(res, 500, { message: err instanceof Error ? err.message : String(err) });
  }
}

function links(linkBase: WebhookLinks, url: URL, instanceId: string): Record<string, string> {
  const base = `${linkBase.publicBaseUrl.replace(/\/$/, "")}${WEBHOOK_PREFIX}/instances/INSTANCEID`;
  const query = [...[...url.searchParams].filter(([k]) => k === "taskHub" || k === "connection"), ["code", linkBase.systemKey]]
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? "")}`).join("&");
  return managementUrls(base, query, instanceId);
}

function control(res: ServerResponse, id: string, result: ControlResult): true {
  if (result === "notFound") return send(res, 404, { message: `No instance with ID '${id}' found.` });
  if (result === "gone") return send(res, 410, { message: `Instance '${id}' has already finished.` });
  return send(res, 202, null);
}

function instanceFilter(q: URLSearchParams): InstanceFilter {
  const time = (key: string): number | undefined => {
    const v = q.get(key);
    if (!v) return undefined;
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  };
  const statuses = (q.get("runtimeStatus") ?? "").split(",").map((s) => s.trim()).filter(Boolean) as RuntimeStatus[];
  return {
    runtimeStatus: statuses.length > 0 ? statuses : undefined,
    createdTimeFrom: time("createdTimeFrom"),
    createdTimeTo: time("createdTimeTo"),
    instanceIdPrefix: q.get("instanceIdPrefix") ?? undefined,
  };
}

function isJson(text: string): boolean {
  try { JSON.parse(text); return true; } catch { return false; }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  const text = body === null ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { "Content-Type": "application/json; charset=utf-8" } : {}), ...headers });
  res.end(text);
  return true;
}
