/**
 * Scenario-test support: the local platform on a virtual clock, and small clients for its public
 * contracts (platform API, simulator control API, Teams sink, ARM through the SDK).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent } from "node:https";
import { readFileSync } from "node:fs";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { VirtualClock } from "../../local/clock";
import { MemoryLogger } from "../../local/host";
import { startLocalPlatform, type LocalPlatform, type LocalPlatformOptions } from "../../local/platform";
import { createCosmosClient, LocalTokenCredential } from "../../shared/azure";
import { createStore, type OperationRecord, type Store } from "../../shared/store";

export interface Harness {
  platform: LocalPlatform;
  clock: VirtualClock;
  dataDir: string;
  logger: MemoryLogger;
  aks: ContainerServiceClient;
  subscriptionId: string;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function startHarness(options: Partial<LocalPlatformOptions> & { clock?: VirtualClock } = {}): Promise<Harness> {
  const clock = options.clock ?? new VirtualClock("2026-11-02T08:00:00Z");
  const dataDir = options.dataDir ?? tempDir("aksops-platform-");
  const logger = new MemoryLogger();
  const platform = await startLocalPlatform({
    seed: "demo", adoptDemoClusters: true, ...options, clock, dataDir,
    hostOptions: { logger: logger.log, ...(options.hostOptions ?? {}) }
  });
  const agent = new Agent({ ca: readFileSync(platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8") });
  const subscriptionId = platform.settings.AZURE_SUBSCRIPTION_ID ?? "";
  const aks = new ContainerServiceClient(new LocalTokenCredential(), subscriptionId, {
    endpoint: platform.azure.baseUrl, credentials: { scopes: [`${platform.azure.baseUrl}/.default`] },
    additionalPolicies: [{ policy: agentPolicy(agent), position: "perCall" }]
  });
  return { platform, clock, dataDir, logger, aks, subscriptionId, stop: () => platform.stop() };
}

/** Advances virtual time in steps (each settles the host, the simulator and Cosmos before the next). */
export async function advance(h: Harness, ms: number, stepMs = 60_000): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) await h.clock.advance(Math.min(stepMs, ms - done));
}

export async function api<T = unknown>(h: Harness, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.platform.apiBase}${route}`, {
    method, headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* HTML or empty */ }
  return { status: res.status, body: parsed as T };
}

/** The simulator's control API (`/_sim/*`) over HTTPS with the local CA. */
export async function sim<T = unknown>(h: Harness, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const { request } = await import("node:https");
  const url = new URL(`${h.platform.azure.baseUrl}${route}`);
  const ca = readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8");
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: body !== undefined ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* empty */ }
        resolve({ status: res.statusCode ?? 0, body: parsed as T });
      });
    });
    req.on("error", reject);
    req.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}

export interface SimTeamsMessage {
  id: string;
  channel: string;
  receivedAt: string;
  card: { body?: unknown[]; actions?: { title: string; url: string }[] };
}

export async function teamsMessages(h: Harness, channel?: string): Promise<SimTeamsMessage[]> {
  const res = await sim<{ value: SimTeamsMessage[] }>(h, "GET", `/_sim/teams/messages${channel ? `?channel=${channel}` : ""}`);
  return res.body.value;
}

/** The text of a card, flattened (headings, facts), for assertions. */
export function cardText(message: SimTeamsMessage): string {
  return JSON.stringify(message.card.body ?? []);
}

export async function operation(h: Harness, id: string): Promise<OperationRecord> {
  const res = await api<OperationRecord>(h, "GET", `/operations/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`GET operation ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function operations(h: Harness, query = ""): Promise<OperationRecord[]> {
  const res = await api<{ value: OperationRecord[] }>(h, "GET", `/operations${query}`);
  return res.body.value;
}

export function clusterResourceId(h: Harness, name: string): string {
  return `/subscriptions/${h.subscriptionId}/resourceGroups/rg-${name}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

/** Posts a decision on an approval link as the confirmation page's form does. */
export async function decide(url: string, decision: "approve" | "reject", approver: string, comment?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const form = new URLSearchParams({ decision, approver, ...(comment ? { comment } : {}) });
  const res = await fetch(url.replace(/\?.*$/, ""), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: form.toString() });
  return { status: res.status, text: await res.text() };
}

/** ARM requests by operation (`/_sim/stats`). */
export async function armStats(h: Harness): Promise<Record<string, Record<string, number>>> {
  const res = await sim<{ operations: Record<string, Record<string, number>> }>(h, "GET", "/_sim/stats");
  return res.body.operations;
}

export function count(stats: Record<string, Record<string, number>>, operationName: string, status?: string): number {
  const byStatus = stats[operationName] ?? {};
  return status ? byStatus[status] ?? 0 : Object.values(byStatus).reduce((a, b) => a + b, 0);
}

/** Advances the clock a minute at a time until `probe` returns a value (or `maxMs` of virtual time passes). */
export async function waitFor<T>(h: Harness, what: string, probe: () => Promise<T | undefined>, maxMs = 3 * 3600_000, stepMs = 60_000): Promise<T> {
  for (let waited = 0; ; waited += stepMs) {
    const value = await probe();
    if (value !== undefined) return value;
    if (waited >= maxMs) throw new Error(`timed out after ${maxMs / 60_000} virtual minutes waiting for ${what}`);
    await h.clock.advance(stepMs);
  }
}

/** Approval cards for one cluster on a channel, oldest first. */
export async function approvalCards(h: Harness, cluster: string, channel = "ops"): Promise<SimTeamsMessage[]> {
  return (await teamsMessages(h, channel)).filter((m) => cardText(m).includes(`Approval needed: ${cluster} `));
}

export function approveUrl(card: SimTeamsMessage): string {
  const url = card.card.actions?.find((a) => a.title === "Approve")?.url;
  if (!url) throw new Error(`card ${card.id} has no Approve link`);
  return url;
}

export async function operationWith(h: Harness, id: string, done: (op: OperationRecord) => boolean, what: string, maxMs?: number): Promise<OperationRecord> {
  return waitFor(h, what, async () => {
    const res = await api<OperationRecord>(h, "GET", `/operations/${encodeURIComponent(id)}`);
    return res.status === 200 && done(res.body) ? res.body : undefined;
  }, maxMs);
}

/**
 * Creates a cluster the way an operator would (a PUT through ARM), shaped like the demo clusters
 * but on `version`, in aks-dev's resource group, and waits for the creation to finish.
 */
export async function createLabCluster(h: Harness, name: string, version: string): Promise<string> {
  const template = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
  const poller = await h.aks.managedClusters.beginCreateOrUpdate("rg-aks-dev", name, {
    location: template.location ?? "westeurope",
    kubernetesVersion: version,
    dnsPrefix: name,
    agentPoolProfiles: (template.agentPoolProfiles ?? []).map((p) => ({ name: p.name, mode: p.mode, count: p.count, vmSize: p.vmSize, osType: p.osType, orchestratorVersion: version, upgradeSettings: p.upgradeSettings })),
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" }
  });
  await advance(h, 10 * 60_000);
  const created = await poller.pollUntilDone();
  return created.id ?? "";
}

/** The platform's own store over the embedded Cosmos, to read what the API does not show. */
export function platformStore(h: Harness): Store {
  const cosmos = h.platform.cosmos;
  return createStore(createCosmosClient({ mode: "local", cosmos: { endpoint: cosmos.endpoint, database: "aksops", key: cosmos.key }, localCaPath: cosmos.caPath }), "aksops", h.clock);
}

/** The Event Grid webhook the platform subscribes clusters with (the host's `eventgrid_extension` key). */
export function eventGridWebhook(h: Harness): string {
  return `${h.platform.settings.PUBLIC_BASE_URL}/runtime/webhooks/eventgrid?functionName=aksEvents&code=${h.platform.settings.EVENTGRID_SYSTEM_KEY}`;
}

/** Posts a batch (or raw text) to the webhook as Event Grid delivers a notification. */
export function deliverEvents(h: Harness, body: unknown): Promise<Response> {
  return fetch(eventGridWebhook(h), {
    method: "POST", headers: { "content-type": "application/json", "aeg-event-type": "Notification" }, body: typeof body === "string" ? body : JSON.stringify(body)
  });
}

/** An AKS system-topic event about a demo cluster, at the platform's time. */
export function aksEvent(h: Harness, id: string, cluster: string, eventType: string, data: unknown): Record<string, unknown> {
  return {
    id, topic: clusterResourceId(h, cluster), subject: cluster, eventType: `Microsoft.ContainerService.${eventType}`,
    eventTime: new Date(h.clock.now()).toISOString(), dataVersion: "1", data
  };
}
