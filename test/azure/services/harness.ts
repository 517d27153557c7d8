import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualClock } from "../../../local/clock";
import { startAzureSimulator, type AzureSimulator } from "../../../local/azure";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { createArmClients, type ArmClients } from "../../../shared/azure";

/** A simulator on a virtual clock with the real SDK clients pointed at it, trusting its CA only. */
export interface SimHarness {
  clock: VirtualClock;
  sim: AzureSimulator;
  clients: ArmClients;
  subscriptionId: string;
  close(): Promise<void>;
}

export async function startHarness(options: { start?: string; durationScale?: number; seed?: "demo" | "none" } = {}): Promise<SimHarness> {
  const clock = new VirtualClock(options.start ?? "2026-03-10T08:00:00Z");
  const dataDir = mkdtempSync(join(tmpdir(), "aksops-sim-services-"));
  const sim = await startAzureSimulator({ clock, dataDir, persist: false, seed: options.seed ?? "none", durationScale: options.durationScale ?? 1 });
  const subscriptionId = sim.kernel.config.subscriptionId;
  const clients = createArmClients({ mode: "local", subscriptionId, armEndpoint: sim.baseUrl, localCaPath: sim.caPath });
  return {
    clock,
    sim,
    clients,
    subscriptionId,
    close: async () => {
      await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

export interface ReceivedRequest {
  headers: IncomingMessage["headers"];
  body: unknown;
}

/**
 * A webhook endpoint on 127.0.0.1: answers Event Grid's validation handshake (unless told not to)
 * and answers deliveries with the next scripted status (200 once the script is used up).
 */
export class WebhookReceiver {
  readonly deliveries: ReceivedRequest[] = [];
  readonly validations: ReceivedRequest[] = [];
  answerHandshake = true;
  private script: number[] = [];
  private server: Server | undefined;
  url = "";

  /** Listens on 127.0.0.1 (port 0); over https when given a key and certificate. */
  async start(tls?: { key: string; cert: string }): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    this.server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/events`;
    return this;
  }

  /** The next deliveries are answered with these statuses, in order. */
  respondWith(...statuses: number[]): void {
    this.script.push(...statuses);
  }

  /** Events received in delivery order (each delivery is an array). */
  events(): { id: string; eventType: string; subject: string; data: unknown }[] {
    return this.deliveries.flatMap((d) => d.body as { id: string; eventType: string; subject: string; data: unknown }[]);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    if (req.headers["aeg-event-type"] === "SubscriptionValidation") {
      this.validations.push({ headers: req.headers, body });
      if (!this.answerHandshake) {
        res.writeHead(404).end();
        return;
      }
      const code = (body as { data: { validationCode: string } }[])[0]?.data.validationCode;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ validationResponse: code }));
      return;
    }
    this.deliveries.push({ headers: req.headers, body });
    res.writeHead(this.script.shift() ?? 200).end();
  }
}

/** A control-API call (`/_sim/...`) over HTTPS, trusting the simulator's CA explicitly. */
export async function simRequest(h: SimHarness, method: string, path: string, body?: unknown): Promise<{ status: number; headers: IncomingMessage["headers"]; text: string; json: () => unknown }> {
  const { request } = await import("node:https");
  const { readFileSync } = await import("node:fs");
  const payload = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(`${h.sim.baseUrl}${path}`, {
      method,
      ca: readFileSync(h.sim.caPath, "utf8"),
      agent: false,
      headers: payload ? { "content-type": "application/json", "content-length": String(payload.length) } : {}
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** A baseline-shaped cluster (pool `system` 3 nodes, `user` 2 nodes, Standard_D4ds_v5) created on the virtual clock. */
export async function createCluster(h: SimHarness, rg: string, name: string, pools = [{ name: "system", count: 3, mode: "System" }, { name: "user", count: 2, mode: "User" }]): Promise<ManagedCluster> {
  const versions = await h.clients.containerService.managedClusters.listKubernetesVersions("westeurope");
  const ga = (versions.values ?? []).filter((v) => !v.isPreview).map((v) => v.version ?? "").sort();
  const spec: ManagedCluster = {
    location: "westeurope",
    kubernetesVersion: ga[ga.length - 1],
    dnsPrefix: name,
    agentPoolProfiles: pools.map((p) => ({ name: p.name, count: p.count, mode: p.mode, vmSize: "Standard_D4ds_v5", osType: "Linux" }))
  };
  const poller = await h.clients.containerService.managedClusters.beginCreateOrUpdate(rg, name, spec, { updateIntervalInMs: 0 });
  await h.clock.advance(60 * 60_000);
  return poller.pollUntilDone();
}
