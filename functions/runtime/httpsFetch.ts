import { request as httpsRequest, type Agent } from "node:https";
import { request as httpRequest } from "node:http";

/**
 * A `fetch` for the Teams webhook that uses a given HTTPS agent: locally the agent that trusts
 * the local CA (the simulator's Teams sink is HTTPS), so no process-wide trust change is needed.
 * Only what `postOnce` uses: method, headers, string body, abort signal.
 */
export function fetchWithAgent(agent: Agent): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input.toString() : input.url);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === "string" ? init.body : undefined;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(url, { method: init?.method ?? "GET", headers, ...(url.protocol === "https:" ? { agent } : {}), signal: init?.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") responseHeaders.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers: responseHeaders }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  });
}
