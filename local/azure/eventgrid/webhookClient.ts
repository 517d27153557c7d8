import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * POSTs JSON to a webhook endpoint over http or https. Deliveries go to loopback endpoints (the
 * local Functions host, a test's receiver), so an https endpoint's self-signed CA is passed
 * explicitly, never by turning verification off.
 */
export interface WebhookAnswer {
  status: number;
  body: string;
}

export class WebhookConnectionError extends Error {
  override readonly name = "WebhookConnectionError";
  constructor(readonly endpointUrl: string, override readonly cause: unknown) {
    super(`Webhook POST to ${endpointUrl} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface WebhookClientOptions {
  /** Extra CA certificates (PEM) trusted for https endpoints. */
  ca?: string | string[];
  /** Event Grid waits 30 s for an answer before counting the attempt as failed. */
  timeoutMs?: number;
}

export function postJson(endpointUrl: string, payload: unknown, headers: Record<string, string>, options: WebhookClientOptions = {}): Promise<WebhookAnswer> {
  const url = new URL(endpointUrl);
  const body = Buffer.from(JSON.stringify(payload));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<WebhookAnswer>((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "content-length": String(body.length), ...headers },
        ...(url.protocol === "https:" && options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? 30_000,
        agent: false
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (err) => reject(new WebhookConnectionError(endpointUrl, err)));
      }
    );
    req.on("timeout", () => req.destroy(new Error("timed out waiting for the endpoint's answer")));
    req.on("error", (err) => reject(new WebhookConnectionError(endpointUrl, err)));
    req.end(body);
  });
}
