/**
 * The whole platform on one machine: embedded Cosmos, the Azure simulator (with the demo fleet) and
 * the local Functions host running this app, wired together with the settings the app reads in
 * Azure. Used by `npm start` (real clock) and by the scenario tests (virtual clock).
 *
 *   const platform = await startLocalPlatform({ clock, dataDir, seed: "demo", adoptDemoClusters: true });
 *   await fetch(`${platform.apiBase}/clusters`);
 *   await platform.stop();
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { ensureLocalCertificate } from "./certs";
import { ensurePrivateDir, PRIVATE_FILE_MODE, writePrivateFile } from "./private-files";
import type { Clock } from "./clock";
import { DEMO_SECOND_SUBSCRIPTION_ID, startAzureSimulator, type AzureSimulator } from "./azure";
import { subscribeDemoClusters } from "./azure/eventgrid/demoSubscriptions";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "./cosmos";
import { startHost, SYSTEM_KEY_SETTINGS, type LocalHostHandle, type StartHostOptions } from "./host";
import { loadHostKeys } from "./host/http/keys";
import { budgetActionGroupId, ensureBudgetActionGroup } from "./platformActionGroup";

export interface LocalPlatformOptions {
  clock: Clock;
  dataDir: string;
  /** 0 or absent: any free port. */
  ports?: { host?: number; azure?: number; cosmos?: number };
  /** Simulator operation durations (1 = AKS-like; `npm start` uses a small fraction). */
  durationScale?: number;
  /** `demo` (default) seeds the demo fleet on a first start. */
  seed?: "demo" | "none";
  /**
   * Issue 31: `2` seeds the demo fleet over two subscriptions (aks-staging in the second, both
   * managed: AZURE_SUBSCRIPTION_IDS); default 1. `npm start` uses 2.
   */
  demoSubscriptions?: 1 | 2;
  /** Adopt the demo clusters through `POST /api/clusters/adopt` on the first start (default false). */
  adoptDemoClusters?: boolean;
  /** Passed to `startHost` (extensions with chaos switches, a logger...). */
  hostOptions?: Partial<Pick<StartHostOptions, "extensions" | "logger">>;
  /** The simulator saves after every accepted ARM write (default true; a fleet bench turns it off, see `startAzureSimulator`). */
  azurePersistEachWrite?: boolean;
  /** Extra app settings (override the generated ones). */
  settings?: Record<string, string>;
  /**
   * Runs once the simulator and Cosmos are up, before the host starts: what exists then exists
   * before the platform, as a fleet does in Azure when the platform is deployed to it (bench:fleet).
   */
  beforeHost?: (ready: { azure: AzureSimulator; settings: Readonly<Record<string, string>> }) => Promise<void>;
}

export interface LocalPlatform {
  host: LocalHostHandle;
  azure: AzureSimulator;
  cosmos: EmbeddedCosmos;
  /** The app settings the host runs with. */
  settings: Record<string, string>;
  /** `${host}/api` */
  apiBase: string;
  /** The adoption operations started on this start (empty when nothing was adopted). */
  adoptions: { clusterId: string; operationId: string }[];
  /**
   * Stops the host (if it still runs) and starts a new one on the same port, settings and data
   * dir, as after a host crash: the durable engine resumes from its SQLite store while Cosmos and
   * the simulator (Azure) carried on. `host` then names the new one.
   */
  restartHost(hostOptions?: LocalPlatformOptions["hostOptions"]): Promise<LocalHostHandle>;
  /** Stops the host, then the simulator, then Cosmos (every acknowledged write of both is already on disk). */
  stop(): Promise<void>;
}

/** The demo fleet: cluster name → environment (local/azure/demo seeds `aks-dev`, `aks-staging`, `aks-prod`). */
const DEMO_ENVIRONMENT = /^aks-(dev|staging|prod)$/;

export class PlatformStartError extends Error {
  override readonly name = "PlatformStartError";
  constructor(readonly step: string, readonly detail: string) {
    super(`Starting the local platform failed at ${step}: ${detail}`);
  }
}

export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const dataDir = path.resolve(options.dataDir);
  ensurePrivateDir(dataDir);
  const cert = await ensureLocalCertificate(dataDir);
  const cosmos = await startEmbeddedCosmos({
    dataDir, port: options.ports?.cosmos ?? 0, cert, clock: options.clock
  });
  let azure: AzureSimulator | undefined;
  let host: LocalHostHandle | undefined;
  try {
    azure = await startAzureSimulator({
      clock: options.clock, dataDir, port: options.ports?.azure ?? 0,
      seed: options.seed ?? "demo", ...(options.durationScale !== undefined ? { durationScale: options.durationScale } : {}),
      ...(options.demoSubscriptions === 2 ? { demoSecondSubscription: DEMO_SECOND_SUBSCRIPTION_ID } : {}),
      ...(options.azurePersistEachWrite !== undefined ? { persistEachWrite: options.azurePersistEachWrite } : {})
    });
    // PUBLIC_BASE_URL must be known before the host starts, so the port is chosen first.
    const hostPort = options.ports?.host || (await freePort());
    const hostBase = `http://127.0.0.1:${hostPort}`;
    const settings: Record<string, string> = {
      AZURE_SUBSCRIPTION_ID: azure.kernel.config.subscriptionId,
      ...(options.demoSubscriptions === 2 ? { AZURE_SUBSCRIPTION_IDS: `${azure.kernel.config.subscriptionId},${DEMO_SECOND_SUBSCRIPTION_ID}` } : {}),
      ARM_ENDPOINT: azure.baseUrl,
      // The metrics data plane (Azure: https://{region}.metrics.monitor.azure.com).
      MONITOR_METRICS_ENDPOINT: `${azure.baseUrl}/_metrics/{region}`,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      AKSOPS_MODE: "local",
      AKSOPS_LOCAL_CA_PATH: cert.caPath,
      TEAMS_WEBHOOK_URL: `${azure.baseUrl}/_sim/teams/ops`,
      TEAMS_ESCALATION_WEBHOOK_URL: `${azure.baseUrl}/_sim/teams/escalation`,
      APPROVAL_SIGNING_KEY: signingKey(dataDir),
      PUBLIC_BASE_URL: hostBase,
      // The host refuses bodies over 1 MB (413), Event Grid's own limit for a delivery; the API routes read at most 64 KB of it.
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(1024 * 1024),
      BUDGET_ACTION_GROUP_ID: budgetActionGroupId(azure.kernel.config.subscriptionId),
      ...(options.settings ?? {})
    };
    // Event Grid must present the host's `eventgrid_extension` system key, as in Azure: the app's
    // EVENTGRID_SYSTEM_KEY (which it puts in the subscriptions it creates) is that key.
    const hostKeys = loadHostKeys(settings, path.join(dataDir, "host"));
    const systemKeys = hostKeys.system;
    settings.EVENTGRID_SYSTEM_KEY ??= systemKeys.eventgrid_extension;
    settings[SYSTEM_KEY_SETTINGS.eventgrid_extension] ??= settings.EVENTGRID_SYSTEM_KEY;
    await options.beforeHost?.({ azure, settings });
    host = await startHost({
      appDir: path.resolve(__dirname, "..", ".."), clock: options.clock, settings, port: hostPort,
      dataDir: path.join(dataDir, "host"), ...(options.hostOptions ?? {})
    });
    // The action group the budgets notify (infra/modules/actionGroup.bicep in Azure).
    await ensureBudgetActionGroup(azure.kernel, `${hostBase}/api/alerts/budget?code=${encodeURIComponent(hostKeys.host)}`);
    if ((options.seed ?? "demo") === "demo") {
      await subscribeDemoClusters(azure.kernel, `${hostBase}/runtime/webhooks/eventgrid?functionName=aksEvents&code=${encodeURIComponent(settings.EVENTGRID_SYSTEM_KEY)}`);
    }
    const apiBase = `${hostBase}/api`;
    const adoptions = options.adoptDemoClusters ? await adoptDemoFleetOnce(azure, apiBase, dataDir) : [];
    const sim = azure;
    let current = host;
    const startAppHost = (hostOptions: LocalPlatformOptions["hostOptions"]): Promise<LocalHostHandle> => startHost({
      appDir: path.resolve(__dirname, "..", ".."), clock: options.clock, settings, port: hostPort,
      dataDir: path.join(dataDir, "host"), ...(hostOptions ?? {})
    });
    return {
      get host() { return current; },
      azure: sim, cosmos, settings, apiBase, adoptions,
      restartHost: async (hostOptions) => {
        await current.stop();
        current = await startAppHost(hostOptions ?? options.hostOptions);
        return current;
      },
      stop: async () => {
        await current.stop();
        await sim.stop();
        await cosmos.stop();
      }
    };
  } catch (err) {
    await host?.stop().catch(() => undefined);
    await azure?.stop().catch(() => undefined);
    await cosmos.stop().catch(() => undefined);
    throw err;
  }
}

/** Generated once per data dir and kept there, so links in cards already posted stay valid after a restart. */
function signingKey(dataDir: string): string {
  const file = path.join(dataDir, "approval-signing-key");
  if (existsSync(file)) {
    chmodSync(file, PRIVATE_FILE_MODE); // a key written by an earlier version with a wider mode
    return readFileSync(file, "utf8").trim();
  }
  const key = randomBytes(32).toString("base64url");
  writePrivateFile(file, key);
  return key;
}

async function adoptDemoFleetOnce(azure: AzureSimulator, apiBase: string, dataDir: string): Promise<{ clusterId: string; operationId: string }[]> {
  const marker = path.join(dataDir, "demo-adopted");
  if (existsSync(marker)) return [];
  const clusters = azure.kernel.store.list({ type: "Microsoft.ContainerService/managedClusters" });
  const adopted: { clusterId: string; operationId: string }[] = [];
  for (const cluster of clusters) {
    const environment = DEMO_ENVIRONMENT.exec(cluster.name)?.[1];
    if (!environment) continue;
    const res = await fetch(`${apiBase}/clusters/adopt`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ resourceId: cluster.id, environment })
    });
    const body = (await res.json()) as { operationId?: string; error?: { message?: string } };
    if (res.status !== 202 && res.status !== 200) throw new PlatformStartError(`adopting ${cluster.name}`, `HTTP ${res.status}: ${body.error?.message ?? ""}`);
    adopted.push({ clusterId: cluster.name, operationId: body.operationId ?? "" });
  }
  writeFileSync(marker, JSON.stringify(adopted));
  return adopted;
}

/** A free loopback port (the host's must be known before it starts: PUBLIC_BASE_URL names it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
