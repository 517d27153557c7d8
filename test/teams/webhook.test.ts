import { once } from "node:events";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { validateTeamsPayload } from "../../local/azure/teams/cardValidation";
import { teamsMessage, text } from "../../shared/teams/adaptiveCard";
import { parseRetryAfter, postOnce } from "../../shared/teams/webhook";

/** A loopback webhook that answers from a script, one entry per request, and records what it received. */
interface Scripted {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

class ScriptedWebhook {
  readonly received: { path: string; contentType: string | undefined; body: unknown }[] = [];
  private server: Server | undefined;
  constructor(private readonly script: Scripted[]) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhookb2/secret-part`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.received.push({ path: req.url ?? "", contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
    const next = this.script.shift() ?? { status: 500, body: "script exhausted" };
    res.writeHead(next.status, { "content-type": "text/plain", ...next.headers });
    res.end(next.body ?? "");
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.close();
    await once(this.server, "close");
  }
}

const message = teamsMessage([text("hello from the platform")]);

async function withWebhook<T>(script: Scripted[], fn: (url: string, hook: ScriptedWebhook) => Promise<T>): Promise<T> {
  const hook = new ScriptedWebhook(script);
  const url = await hook.start();
  try {
    return await fn(url, hook);
  } finally {
    await hook.stop();
  }
}

describe("postOnce", () => {
  it("posts the card as JSON and treats 200 '1' (connector) and 202 (Workflows) as delivered", async () => {
    await withWebhook([{ status: 200, body: "1" }, { status: 202 }], async (url, hook) => {
      expect(await postOnce(url, message)).toEqual({ delivered: true, status: 200 });
      expect(await postOnce(url, message)).toEqual({ delivered: true, status: 202 });
      expect(hook.received).toHaveLength(2);
      expect(hook.received[0]).toMatchObject({ path: "/webhookb2/secret-part", contentType: "application/json" });
      expect(validateTeamsPayload(hook.received[0]!.body).errors).toEqual([]);
    });
  });

  it("classifies 429 with Retry-After as retryable", async () => {
    await withWebhook([{ status: 429, headers: { "retry-after": "7" }, body: "slow down" }], async (url) => {
      expect(await postOnce(url, message)).toEqual({ delivered: false, status: 429, retryable: true, retryAfterMs: 7000, error: "HTTP 429: slow down" });
    });
  });

  it("sees through a 200 that reports a failed delivery in its body", async () => {
    const body = "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi..";
    await withWebhook([{ status: 200, body }, { status: 200, body: body.replace("429", "413") }], async (url) => {
      expect(await postOnce(url, message)).toMatchObject({ delivered: false, status: 429, retryable: true });
      expect(await postOnce(url, message)).toMatchObject({ delivered: false, status: 413, retryable: false });
    });
  });

  it("a 400 is permanent, a 503 retryable", async () => {
    await withWebhook([{ status: 400, body: "Summary or Text is required." }, { status: 503 }], async (url) => {
      expect(await postOnce(url, message)).toMatchObject({ delivered: false, status: 400, retryable: false });
      expect(await postOnce(url, message)).toMatchObject({ delivered: false, status: 503, retryable: true });
    });
  });

  it("a refused connection is retryable", async () => {
    const hook = new ScriptedWebhook([]);
    const url = await hook.start();
    await hook.stop();
    const outcome = await postOnce(url, message, { timeoutMs: 2000 });
    expect(outcome).toMatchObject({ delivered: false, retryable: true });
    expect(outcome.delivered ? "" : outcome.error).toMatch(/request failed/);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP-dates against the response's Date header", () => {
    expect(parseRetryAfter("12", null)).toBe(12_000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 10:00:30 GMT", "Sat, 21 Nov 2026 10:00:00 GMT")).toBe(30_000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 09:00:00 GMT", "Sat, 21 Nov 2026 10:00:00 GMT")).toBe(0);
    expect(parseRetryAfter("Sat, 21 Nov 2026 10:00:30 GMT", null)).toBeUndefined();
    expect(parseRetryAfter("soon", "Sat, 21 Nov 2026 10:00:00 GMT")).toBeUndefined();
    expect(parseRetryAfter(null, null)).toBeUndefined();
  });
});
