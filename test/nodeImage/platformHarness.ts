/**
 * The platform as it runs locally, on one virtual clock: the embedded Cosmos, the Azure simulator
 * with the demo fleet (aks-dev, aks-staging, aks-prod) and the local Functions host running this
 * app. Tests drive it through the public contracts: the simulator's ARM API and `/_sim`, the
 * app's HTTP API, its timers (fired by advancing the clock) and the Cosmos records.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import { VirtualClock } from "../../local/clock";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../local/cosmos";
import { startHost, type LocalHostHandle } from "../../local/host";
import { realModule } from "../../local/host/node-runtime";
import { createArmClients, createCosmosClient } from "../../shared/azure";
import { defaultPolicy, type ClusterPolicy, type Environment, type PolicyOverrides, mergePolicy } from "../../shared/domain/policy";
import { createStore, type ClusterRecord, type Store } from "../../shared/store";

export const DEMO_CLUSTERS = ["aks-dev", "aks-staging", "aks-prod"] as const;
const ENV: Record<(typeof DEMO_CLUSTERS)[number], Environment> = { "aks-dev": "dev", "aks-staging": "staging", "aks-prod": "prod" };

export interface PlatformHarness {
  clock: VirtualClock;
  sim: AzureSimulator;
  cosmos: EmbeddedCosmos;
  host: LocalHostHandle;
  store: Store;
  aks: ContainerServiceClient;
  subscriptionId: string;
  resourceIdOf(cluster: string): string;
  simJson<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The slot functions/runtime/clock.ts reads: the app's records and tokens then use the virtual time. */
const HOST_CLOCK_SLOT = Symbol.for("aksops.localHost.clock");

export interface HarnessOptions {
  /** Default Sunday 2026-01-04 12:00 UTC: the weekly timer fires at 18:00, the demo windows follow Monday to Thursday. */
  start?: string;
  /** Per-cluster policy overrides (merged over the environment's defaults). */
  policies?: Partial<Record<(typeof DEMO_CLUSTERS)[number], PolicyOverrides>>;
  settings?: Record<string, string>;
}

export async function startPlatform(options: HarnessOptions = {}): Promise<PlatformHarness> {
  const clock = new VirtualClock(options.start ?? "2026-01-04T12:00:00Z");
  const dataDir = mkdtempSync(join(tmpdir(), "aksops-nodeimage-"));
  const cosmos = await startEmbeddedCosmos({ dataDir, port: 0, clock, database: "aksops" });
  const sim = await startAzureSimulator({ clock, dataDir, persist: false, seed: "demo" });
  const subscriptionId = sim.kernel.config.subscriptionId;
  (realModule() as unknown as Record<symbol, unknown>)[HOST_CLOCK_SLOT] = clock;

  const settings: Record<string, string> = {
    AKSOPS_MODE: "local",
    AZURE_SUBSCRIPTION_ID: subscriptionId,
    ARM_ENDPOINT: sim.baseUrl,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: "aksops",
    AKSOPS_LOCAL_CA_PATH: sim.caPath,
    TEAMS_WEBHOOK_URL: `${sim.baseUrl}/_sim/teams/platform-ops`,
    APPROVAL_SIGNING_KEY: "node-image-scenario-signing-key-0123456789abcdef",
    PUBLIC_BASE_URL: "http://127.0.0.1:7071",
    ...options.settings
  };
  // Expose to this process too: the store and ARM clients below are built from the same settings.
  const store = createStore(createCosmosClient({ mode: "local", cosmos: { endpoint: cosmos.endpoint, database: "aksops", key: cosmos.key }, localCaPath: cosmos.caPath }), "aksops", clock);
  const aks = createArmClients({ mode: "local", subscriptionId, armEndpoint: sim.baseUrl, localCaPath: sim.caPath }).containerService;
  const resourceIdOf = (cluster: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/rg-${cluster}/providers/Microsoft.ContainerService/managedClusters/${cluster}`;

  const at = new Date(clock.now()).toISOString();
  for (const name of DEMO_CLUSTERS) {
    const environment = ENV[name];
    const policy: ClusterPolicy = mergePolicy(defaultPolicy(environment), options.policies?.[name]);
    const record: ClusterRecord = {
      id: name, resourceId: resourceIdOf(name), subscriptionId, resourceGroup: `rg-${name}`, environment,
      policy: policy,
      spec: { location: "westeurope", kubernetesVersion: "", pools: [] }, createdAt: at, updatedAt: at
    };
    await store.clusters.create(record);
  }

  const host = await startHost({ appDir: appFixture(dataDir), clock, settings, port: 0, dataDir: join(dataDir, "host"), logger: () => undefined });
  return {
    clock, sim, cosmos, host, store, aks, subscriptionId, resourceIdOf,
    simJson: async <T>(method: string, path: string, body?: unknown): Promise<T> => simRequest<T>(sim, method, path, body),
    close: async () => {
      await host.stop();
      await sim.stop();
      await cosmos.stop();
      delete (realModule() as unknown as Record<symbol, unknown>)[HOST_CLOCK_SLOT];
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

/**
 * An app folder whose entry loads the compiled app (functions/index.js) and the durable
 * registrations of the upgrade flow the rollout reuses (lock, health, approvals); requiring a
 * module twice is a no-op, so this holds whether or not index.js imports them itself.
 */
function appFixture(dataDir: string): string {
  const dir = join(dataDir, "app");
  const root = resolve(__dirname, "..", "..", "..");
  const dist = resolve(__dirname, "..", "..");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "aksops-nodeimage-test", main: "index.js" }));
  writeFileSync(join(dir, "index.js"), [
    `require(${JSON.stringify(join(dist, "functions", "index.js"))});`,
    `require(${JSON.stringify(join(dist, "functions", "durable.js"))});`,
    `require(${JSON.stringify(join(dist, "functions", "nodeImageRollout.js"))});`
  ].join("\n"));
  copyFileSync(join(root, "host.json"), join(dir, "host.json"));
  return dir;
}

async function simRequest<T>(sim: AzureSimulator, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(path, sim.baseUrl);
  return new Promise<T>((resolvePromise, reject) => {
    const req = request(url, { method, ca: readFileSync(sim.caPath), headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path} answered ${res.statusCode}: ${text}`));
        else resolvePromise((text ? JSON.parse(text) : undefined) as T);
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
