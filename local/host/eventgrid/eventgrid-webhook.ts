/**
 * `POST /runtime/webhooks/eventgrid?functionName=<name>`, as the Event Grid extension for Azure
 * Functions serves it (azure-sdk-for-net, Microsoft.Azure.WebJobs.Extensions.EventGrid:
 * EventGridExtensionConfigProvider.cs and TriggerBinding/HttpRequestProcessor.cs):
 *  - unknown or missing functionName → 404 "cannot find function: '<name>'";
 *  - `aeg-event-type: SubscriptionValidation` → 200 `{"validationResponse": <code>}` taken from the
 *    first event's `data.validationCode` (Event Grid schema array) or from the CloudEvent's `data`
 *    (which Event Grid may double-encode as a JSON string);
 *  - `aeg-event-type: Notification` → one invocation per event (single dispatch), all in parallel;
 *    202 when every invocation succeeded, else 500 with the first failure's message, so that Event
 *    Grid redelivers the whole batch;
 *  - `aeg-event-type: Unsubscribe` → 202; anything else → 400.
 * CloudEvents abuse protection (CloudEvents HTTP webhook spec §4): `OPTIONS` with
 * `WebHook-Request-Origin` → 200 with `WebHook-Allowed-Origin` echoing it.
 * Locally a delivery without `aeg-event-type` whose content type is CloudEvents is treated as a
 * notification, so plain CloudEvents senders work too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { InvocationInput, InvocationResult, RegisteredFunction } from "../extension";
import { RequestBodyTooLargeError, readBody } from "../http/rpc-http";

export const SUBSCRIPTION_VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";

export interface EventGridDeps {
  functions: ReadonlyMap<string, RegisteredFunction>;
  invoke(functionName: string, input: InvocationInput, reason: string): Promise<InvocationResult>;
  now(): number;
  /** Bytes; a longer body is answered 413 (the host's `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`). */
  maxRequestBodySize?: number;
}

export async function handleEventGridWebhook(req: IncomingMessage, res: ServerResponse, url: URL, deps: EventGridDeps): Promise<void> {
  const functionName = url.searchParams.get("functionName") ?? "";
  const fn = deps.functions.get(functionName);
  if (!fn || fn.trigger.type.toLowerCase() !== "eventgridtrigger") {
    send(res, 404, `cannot find function: '${functionName}'`);
    return;
  }
  if (req.method === "OPTIONS") {
    const origin = header(req, "webhook-request-origin");
    if (!origin) {
      send(res, 400, "Missing WebHook-Request-Origin header");
      return;
    }
    res.writeHead(200, { "WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*" }).end();
    return;
  }

  let body: string;
  try {
    body = (await readBody(req, deps.maxRequestBodySize)).toString("utf8");
  } catch (err) {
    if (!(err instanceof RequestBodyTooLargeError)) throw err;
    res.writeHead(413, { connection: "close" }).end();
    return;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    send(res, 400, "The request content should be parseable into a JSON object or array.");
    return;
  }
  if (!isObject(payload) && !Array.isArray(payload)) {
    send(res, 400, `The request content should be parseable into a JSON object or array, but was ${typeof payload}.`);
    return;
  }

  const contentType = (header(req, "content-type") ?? "").toLowerCase();
  const eventType = (header(req, "aeg-event-type") ?? (contentType.startsWith("application/cloudevents") ? "Notification" : "")).toLowerCase();
  if (eventType === "subscriptionvalidation") {
    const code = validationCode(payload);
    if (code === undefined) {
      send(res, 400, "The subscription validation event has no data.validationCode.");
      return;
    }
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ validationResponse: code }));
    return;
  }
  if (eventType === "unsubscribe") {
    res.writeHead(202).end();
    return;
  }
  if (eventType !== "notification") {
    res.writeHead(400).end();
    return;
  }

  const events: unknown[] = Array.isArray(payload) ? payload : [payload];
  const reason = `EventGrid trigger fired at ${new Date(deps.now()).toISOString()}`;
  let raw: string[] | undefined;
  const rawOf = (i: number): string | undefined => {
    raw ??= Array.isArray(payload) ? topLevelElements(body) : [body];
    return raw[i];
  };
  const outcomes = await Promise.allSettled(events.map((event, i) => deps.invoke(fn.name, eventInput(fn, event, () => rawOf(i)), reason)));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failure) {
    send(res, 500, failureMessage(failure.reason));
    return;
  }
  res.writeHead(202).end();
}

/**
 * One event's invocation input. The host hands the worker the event's JSON as it arrived; it is
 * re-serialised here, except when V8 cannot (`JSON.stringify` recurses: data nested a few thousand
 * deep overflows the stack), where the event's own text from the body is passed instead, so one deep
 * event reaches the function (which judges it) rather than failing its whole batch in the host.
 */
function eventInput(fn: RegisteredFunction, event: unknown, rawText: () => string | undefined): InvocationInput {
  const triggerMetadata: InvocationInput["triggerMetadata"] = {};
  const json = (value: unknown): string | undefined => {
    try {
      return JSON.stringify(value);
    } catch (err) {
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  };
  if (isObject(event) && "data" in event) {
    const data = json(event.data ?? null);
    if (data !== undefined) triggerMetadata.data = { json: data };
  }
  const text = json(event) ?? rawText();
  if (text === undefined) throw new Error("The event could not be read from the request body.");
  return { inputData: [{ name: fn.triggerName, data: { json: text } }], triggerMetadata };
}

/** The source text of each element of a top-level JSON array (the body parsed already, so it is valid JSON). */
function topLevelElements(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      if (depth === 1 && start < 0) start = i;
    } else if (c === "[" || c === "{") {
      if (depth === 1 && start < 0) start = i;
      depth++;
    } else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0 && start >= 0) out.push(body.slice(start, i).trim());
    } else if (c === "," && depth === 1) {
      if (start >= 0) out.push(body.slice(start, i).trim());
      start = -1;
    } else if (depth === 1 && start < 0 && !/\s/.test(c ?? "")) {
      start = i;
    }
  }
  return out;
}

function validationCode(payload: unknown): string | undefined {
  const first: unknown = Array.isArray(payload) ? payload[0] : payload;
  if (!isObject(first)) return undefined;
  let data: unknown = first.data;
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return isObject(data) && typeof data.validationCode === "string" ? data.validationCode : undefined;
}

function failureMessage(reason: unknown): string {
  // The extension answers with the function's exception message.
  const cause = isObject(reason) && "cause" in reason ? reason.cause : reason;
  if (isObject(cause) && typeof cause.message === "string") return cause.message;
  return String(cause);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(text);
}
