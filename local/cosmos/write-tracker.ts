import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Cosmos REST requests that change nothing: reads (GET) and queries (POST flagged as a query). */
function isQuery(req: IncomingMessage): boolean {
  const flag = req.headers["x-ms-documentdb-isquery"];
  const flagged = Array.isArray(flag) ? flag.some((f) => f.toLowerCase() === "true") : flag?.toLowerCase() === "true";
  return flagged || req.headers["content-type"] === "application/query+json";
}

export function isWrite(req: IncomingMessage): boolean {
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  return !(method === "POST" && isQuery(req));
}

/**
 * Watches the server's requests: how many are in flight (for `waitForIdle`) and when a write
 * succeeded. It listens beside cosmosdb-server's own handler and
 * never touches the response.
 */
export class WriteTracker {
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(server: Server, onWrite: () => void = () => undefined) {
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      this.inFlight++;
      const write = isWrite(req);
      res.once("close", () => {
        this.inFlight--;
        if (write && res.statusCode < 400) onWrite();
        if (this.inFlight === 0) this.wakeIdle();
      });
    });
  }

  async idle(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
