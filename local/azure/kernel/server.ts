import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ArmError, ensureError } from "./errors";
import type { SimKernel } from "./kernel";
import { REMAINING_HEADER, TENANT_REMAINING_HEADER, TENANT_SCOPE } from "./throttle";
import type { SimRequest, SimResponse } from "./types";

/** Reads, routes and answers one request: the ARM protocol checks happen here, once, for every module. */
export async function dispatch(kernel: SimKernel, req: SimRequest): Promise<SimResponse> {
  const { match, otherMethods } = kernel.router.match(req.method, req.path);
  const isControl = req.path.toLowerCase().startsWith("/_sim/") || req.path.toLowerCase() === "/_sim";
  if (!match && isControl) {
    return { status: otherMethods.length ? 405 : 404, body: { error: { code: "NotFound", message: `No control route ${req.method} ${req.path}` } } };
  }
  const arm = match?.route.arm;
  if (match && !arm) {
    return runHandler(() => match.route.handler(req, match.params));
  }
  const operation = arm?.operation ?? "Unknown";
  const respond = (res: SimResponse): SimResponse => {
    kernel.stats.record({ operation, method: req.method, path: req.path, status: res.status, subscriptionId: req.subscriptionId });
    return res;
  };
  // ARM authenticates before anything else: a request without a bearer token never reaches a provider.
  const auth = header(req, "authorization");
  if (!auth || !/^Bearer\s+\S+/i.test(auth)) {
    return respond(errorResponse(new ArmError(401, "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing."), { "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' }));
  }
  const apiVersion = req.query.get("api-version");
  if (!apiVersion) {
    return respond(errorResponse(new ArmError(400, "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.")));
  }
  const apiVersionError = kernel.apiVersions.check(req.path, apiVersion);
  if (apiVersionError) return respond(errorResponse(apiVersionError));
  if (!match) {
    if (otherMethods.length) {
      return respond(errorResponse(new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${req.method}'.`)));
    }
    return respond(errorResponse(new ArmError(404, "NotFound", `The simulator serves no route for ${req.method} ${req.path}.`)));
  }
  const kind = match.route.arm?.kind ?? "read";
  const subscription = req.subscriptionId ?? kernel.config.subscriptionId;
  // A throttle fault aims at a subscription, or at a resource (id prefix) or type by the request's path.
  const forced = kernel.faults.take("throttle", subscription) ?? kernel.faults.take("throttle", req.path);
  const decision = forced
    ? { allowed: false as const, remaining: 0 as const, retryAfterSeconds: Number(forced.retryAfterSeconds ?? 1) }
    : kernel.throttler.take(req.subscriptionId ?? TENANT_SCOPE, kind, kernel.config.location);
  const rateHeader = { [(req.subscriptionId ? REMAINING_HEADER : TENANT_REMAINING_HEADER)[kind]]: String(decision.remaining) };
  if (!decision.allowed) {
    // ARM's throttling response: 429 with Retry-After in seconds and the exhausted bucket's header.
    return respond(errorResponse(new ArmError(429, "TooManyRequests",
      `The request is being throttled as the limit has been reached for operation type - ${kind === "read" ? "Read" : kind === "write" ? "Write" : "Delete"}_ObservationWindow. For more information, refer to - https://aka.ms/armthrottling`),
    { ...rateHeader, "Retry-After": String(decision.retryAfterSeconds) }));
  }
  // ARM reads the body before the provider sees it: content that is not JSON never reaches one.
  if (req.bodyError !== undefined && req.method !== "GET" && req.method !== "DELETE") {
    return respond(errorResponse(new ArmError(400, "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${req.bodyError}'.`), { ...rateHeader }));
  }
  // A `serverError` fault answers any ARM operation under its target (a subscription id, or a
  // resource id or type by the request's path, as `throttle`) with a 5xx before the provider runs.
  const broken = kernel.faults.take("serverError", subscription) ?? kernel.faults.take("serverError", req.path);
  if (broken) {
    const status = typeof broken.status === "number" && broken.status >= 500 && broken.status <= 599 ? broken.status : 500;
    const code = typeof broken.code === "string" ? broken.code : status === 503 ? "ServiceUnavailable" : status === 502 ? "BadGateway" : "InternalServerError";
    return respond(errorResponse(new ArmError(status, code, typeof broken.message === "string" ? broken.message : "Encountered internal server error. Please try again."),
      { ...rateHeader, "x-ms-failure-cause": "service", ...(status === 503 ? { "Retry-After": String(typeof broken.retryAfterSeconds === "number" ? broken.retryAfterSeconds : 1) } : {}) }));
  }
  const refusal = kernel.faults.peek("badRequest", req.path);
  if (refusal && (typeof refusal.method !== "string" || refusal.method.toUpperCase() === req.method)) {
    kernel.faults.take("badRequest", req.path);
    return respond(errorResponse(new ArmError(400, typeof refusal.code === "string" ? refusal.code : "BadRequest",
      typeof refusal.message === "string" ? refusal.message : "The request is invalid."), { ...rateHeader }));
  }
  const res = await runHandler(() => match.route.handler(req, match.params));
  res.headers = { ...rateHeader, ...(res.headers ?? {}) };
  if (kind !== "read" && res.status >= 200 && res.status < 300) kernel.notifyArmSuccess({ req, operation, kind, status: res.status });
  return respond(res);
}

async function runHandler(fn: () => SimResponse | Promise<SimResponse>): Promise<SimResponse> {
  try {
    return await fn();
  } catch (err) {
    // Errors a provider raises carry `x-ms-failure-cause: service`; the kernel's own (auth,
    // api-version, throttling, routing) are the gateway's, as ARM marks them.
    if (err instanceof ArmError) return errorResponse(err, { "x-ms-failure-cause": "service", ...(err.headers ?? {}) });
    const e = ensureError(err);
    return errorResponse(new ArmError(500, "InternalServerError", e.message), { "x-ms-failure-cause": "service" });
  }
}

function errorResponse(err: ArmError, headers: Record<string, string> = {}): SimResponse {
  return { status: err.status, headers: { "x-ms-failure-cause": "gateway", ...headers }, body: err.toBody() };
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Converts a Node request into a SimRequest (path decoded, body parsed when it is JSON). */
export async function toSimRequest(req: IncomingMessage, baseUrl: string): Promise<SimRequest> {
  // Clients built on URL templates like `/{+resourceUri}/providers/...` (@azure/arm-monitor 8) send
  // `//subscriptions/...` for a resource id; ARM accepts it. `new URL` would read `//subscriptions`
  // as a host, so leading slashes are collapsed first.
  const url = new URL((req.url ?? "/").replace(/^\/{2,}/, "/"), baseUrl);
  const rawBody = await readBody(req);
  let body: unknown;
  let bodyError: string | undefined;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody.toString("utf8"));
    } catch (err) {
      body = undefined;
      bodyError = ensureError(err).message;
    }
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
  return { method: (req.method ?? "GET").toUpperCase(), path, query: url.searchParams, headers: req.headers, body, rawBody, subscriptionId, baseUrl, ...(bodyError ? { bodyError } : {}) };
}

function send(res: ServerResponse, sim: SimResponse, requestId: string): void {
  const headers: Record<string, string> = { "x-ms-request-id": requestId, "x-ms-correlation-request-id": requestId, ...(sim.headers ?? {}) };
  let payload: Buffer | undefined;
  if (sim.body !== undefined && sim.status !== 204) {
    if (Buffer.isBuffer(sim.body)) payload = sim.body;
    else if (typeof sim.body === "string") {
      payload = Buffer.from(sim.body, "utf8");
      headers["Content-Type"] ??= "text/plain; charset=utf-8";
    } else {
      payload = Buffer.from(JSON.stringify(sim.body), "utf8");
      headers["Content-Type"] ??= "application/json; charset=utf-8";
    }
  }
  headers["Content-Length"] = String(payload?.length ?? 0);
  res.writeHead(sim.status, headers);
  res.end(payload);
}

export interface RunningServer {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Serves the kernel over HTTPS on 127.0.0.1 (port 0 picks a free one). `persistAcceptedWrite` runs
 * after every accepted write (any other method answered < 400, ARM or control route) and before
 * its answer is sent, so what a client was told happened survives a crash; if it throws, the
 * client gets a 500 instead.
 */
export async function listen(kernel: SimKernel, tls: { key: string; cert: string }, port = 0, host = "127.0.0.1",
  persistAcceptedWrite?: () => void): Promise<RunningServer> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const end = kernel.work.begin();
    const requestId = randomUUID();
    toSimRequest(req, kernel.baseUrl)
      .then((sim) => dispatch(kernel, sim).then((answer) => {
        if (persistAcceptedWrite && !READ_METHODS.has(sim.method) && answer.status < 400) persistAcceptedWrite();
        return answer;
      }))
      .then((sim) => send(res, sim, requestId))
      .catch((err: unknown) => {
        const e = ensureError(err);
        if (!res.headersSent) send(res, { status: 500, body: { error: { code: "InternalServerError", message: e.message } } }, requestId);
      })
      .finally(end);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => { server.off("error", reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  const baseUrl = `https://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  kernel.setBaseUrl(baseUrl);
  return {
    server,
    baseUrl,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}
