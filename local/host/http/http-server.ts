/**
 * The host's HTTP front door: `/<routePrefix>/<route>` for HTTP triggers, the Event Grid webhook,
 * and `/runtime/webhooks/<extension>/...` for extensions (durable's HTTP API).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HostExtension, InvocationInput, InvocationResult } from "../extension";
import type { HostLogger } from "../logger";
import type { InFlight } from "../in-flight";
import { findRoute, type HttpRoute } from "./http-routes";
import { isAuthorized, isSystemAuthorized, presentedKey, type HostKeys } from "./keys";
import { RequestBodyTooLargeError, readBody, toRpcHttpRequest, writeRpcHttpResponse, type RpcHttpData } from "./rpc-http";

export interface HttpServerDeps {
  routePrefix: string;
  keys: HostKeys;
  routes: readonly HttpRoute[];
  /** Bytes; a longer body is answered 413 (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`). */
  maxRequestBodySize: number;
  extensions: readonly HostExtension[];
  inFlight: InFlight;
  logger: HostLogger;
  invoke(functionName: string, input: InvocationInput, reason: string): Promise<InvocationResult>;
  handleEventGrid(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export async function listen(server: http.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export function createHttpServer(deps: HttpServerDeps): http.Server {
  return http.createServer((req, res) => {
    void deps.inFlight.track(() => dispatch(deps, req, res)).catch((err: unknown) => {
      deps.logger({ level: "error", category: "Host.Http", message: `Unhandled error serving ${req.method ?? ""} ${req.url ?? ""}: ${String(err)}` });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end();
    });
  });
}

async function dispatch(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
  const path = url.pathname;
  if (path === "/runtime/webhooks/eventgrid" || path === "/runtime/webhooks/EventGrid") {
    // Azure: the Event Grid extension's webhook needs the `eventgrid_extension` system key or the master key.
    if (!isSystemAuthorized("eventgrid_extension", deps.keys, presentedKey(req.headers, url))) { sendStatus(res, 401); return; }
    await deps.handleEventGrid(req, res, url);
    return;
  }
  if (path.startsWith("/runtime/webhooks/")) {
    // The durable HTTP API needs the `durabletask_extension` system key or the master key.
    if ((path + "/").startsWith("/runtime/webhooks/durabletask/") && !isSystemAuthorized("durabletask_extension", deps.keys, presentedKey(req.headers, url))) {
      sendStatus(res, 401);
      return;
    }
    for (const extension of deps.extensions) {
      if (extension.handleWebhook && (await extension.handleWebhook(req, res, url))) return;
    }
    sendStatus(res, 404);
    return;
  }
  const prefix = deps.routePrefix === "" ? "/" : `/${deps.routePrefix}/`;
  if (path === "/" && deps.routePrefix !== "") {
    // The Functions host answers its root with a landing page.
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("Your Functions 4.0 app is up and running");
    return;
  }
  if (!(path + "/").toLowerCase().startsWith(prefix.toLowerCase())) {
    sendStatus(res, 404);
    return;
  }
  await serveHttpTrigger(deps, req, res, url, path.slice(prefix.length));
}

async function serveHttpTrigger(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse, url: URL, routePath: string): Promise<void> {
  const match = findRoute(deps.routes, routePath, req.method ?? "GET");
  if (match.kind === "none") {
    sendStatus(res, 404);
    return;
  }
  if (match.kind === "wrongMethod") {
    res.setHeader("allow", match.allowed.join(", "));
    sendStatus(res, 405);
    return;
  }
  const { route, params } = match;
  if (!isAuthorized(route.authLevel, deps.keys, presentedKey(req.headers, url))) {
    sendStatus(res, 401);
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, deps.maxRequestBodySize);
  } catch (err) {
    if (!(err instanceof RequestBodyTooLargeError)) throw err;
    res.writeHead(413, { connection: "close" }).end();
    return;
  }
  const request = toRpcHttpRequest(req, url, body, params);
  const input: InvocationInput = { inputData: [{ name: route.fn.triggerName, data: { http: request } }] };
  let result: InvocationResult;
  try {
    result = await deps.invoke(route.fn.name, input, `This function was programmatically called via the host APIs.`);
  } catch {
    // The host hides the exception from the caller; the log carries it.
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Internal Server Error");
    return;
  }
  writeRpcHttpResponse(res, httpResult(route, result));
}

/** The `$return` http binding, or the named http output binding. */
function httpResult(route: HttpRoute, result: InvocationResult): RpcHttpData | undefined {
  const outputName = Object.entries(route.fn.bindings).find(([, b]) => b.direction === "out" && b.type.toLowerCase() === "http")?.[0];
  const data = outputName === "$return" || outputName === undefined
    ? result.returnValue
    : result.outputData.find((o) => o.name === outputName)?.data;
  return (data?.http ?? undefined);
}

function sendStatus(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}
