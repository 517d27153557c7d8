/**
 * The Azure simulator: `startAzureSimulator(options)` serves the ARM protocol over HTTPS for the
 * real SDK clients (see `kernel/index.ts` for the module contract).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureLocalCertificate } from "../certs";
import { ensurePrivateDir, replacePrivateFile } from "../private-files";
import type { Clock } from "../clock";
import { registerAks } from "./aks";
import { registerArmTypes } from "./arm-types";
import { registerBudgets } from "./budgets";
import { registerCatalog, type ReleaseCatalog } from "./catalog";
import { registerCompute, registerVnetUsages } from "./compute";
import { registerFaultControl, registerFleetControl, registerReleaseControl, registerStatsControl } from "./control";
import { seedDemoFleet } from "./demo";
import { registerEventGrid } from "./eventgrid";
import { SimKernel, listen, registerOperationRoutes, type ThrottleLimits } from "./kernel";
import { registerManagementGroups } from "./managementGroups";
import { registerMonitor } from "./monitor";
import { registerResources } from "./resources";
import { registerTeams } from "./teams";

export { DEMO_SUBSCRIPTION_ID, SimKernel, type ThrottleLimits } from "./kernel";
export { AKS_SERVICE, type AksClusterView, type AksFleet, type AksPoolView, type PoolHealth } from "./aks";
export { DEMO_ENVIRONMENTS, DEMO_MANAGEMENT_GROUP_ID, DEMO_SECOND_SUBSCRIPTION_ID, seedDemoFleet } from "./demo";
export type { ReleaseCatalog } from "./catalog";

export interface AzureSimulatorOptions {
  clock: Clock;
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Multiplies operation durations (1 = AKS-like; `npm start` uses e.g. 0.02). */
  durationScale?: number;
  /** `demo` seeds the demo fleet on a first start (no saved state); `none` (default) starts empty. */
  seed?: "demo" | "none";
  /** Lowered ARM throttling limits (tests). */
  throttling?: Partial<ThrottleLimits>;
  subscriptionId?: string;
  location?: string;
  pageSize?: number;
  /**
   * Load `<dataDir>/azure-sim.json` at start and save it (default true): after every accepted
   * write before it is answered, on stop, and periodically for what changes on the clock alone
   * (operations progressing).
   */
  persist?: boolean;
  /**
   * Save after every accepted write, before answering (default true). Off only for benches that
   * measure something else: the save costs about 60 ms per ARM write at 500 clusters (2.9 MB).
   */
  persistEachWrite?: boolean;
  /** Real-clock period of the periodic save (default 30 s). */
  saveIntervalMs?: number;
  /** `Retry-After` seconds advised on operation status responses (default 0: omitted). */
  lroRetryAfterSeconds?: number;
  /** Issue 31: the demo fleet's second subscription (`aks-staging` is seeded there); unset: one subscription. */
  demoSecondSubscription?: string;
  /** Runs after the demo fleet is seeded (e.g. Event Grid topics and subscriptions for the clusters). */
  afterDemoSeed?: (kernel: SimKernel, clusterIds: string[]) => void | Promise<void>;
}

export interface AzureSimulator {
  baseUrl: string;
  caPath: string;
  kernel: SimKernel;
  /** Saves state (when persisting) and closes the server. */
  stop(): Promise<void>;
  /** Resolves when no request and no event delivery is in flight. */
  waitForIdle(): Promise<void>;
  /** Writes `<dataDir>/azure-sim.json` now. */
  save(): void;
}

export const STATE_FILE = "azure-sim.json";

export async function startAzureSimulator(options: AzureSimulatorOptions): Promise<AzureSimulator> {
  const kernel = new SimKernel({
    clock: options.clock,
    subscriptionId: options.subscriptionId,
    location: options.location,
    durationScale: options.durationScale,
    pageSize: options.pageSize,
    throttling: options.throttling
  });
  kernel.lro.retryAfterSeconds = options.lroRetryAfterSeconds ?? 0;
  const catalog = registerModules(kernel);

  const persist = options.persist ?? true;
  ensurePrivateDir(options.dataDir);
  const statePath = join(options.dataDir, STATE_FILE);
  let loaded = false;
  if (persist && existsSync(statePath)) {
    kernel.loadState(JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>);
    loaded = true;
  }

  const save = (): void => {
    if (!persist) return;
    writeDurably(statePath, JSON.stringify(kernel.saveState()));
  };

  const tls = await ensureLocalCertificate(options.dataDir);
  const server = await listen(kernel, tls, options.port ?? 0, options.host ?? "127.0.0.1", persist && (options.persistEachWrite ?? true) ? save : undefined);
  const unregisterProbe = options.clock.registerIdleProbe(() => kernel.work.idle());

  if (!loaded && options.seed === "demo") {
    await seedDemoFleet(kernel, catalog, { afterDemoSeed: options.afterDemoSeed, ...(options.demoSecondSubscription ? { secondSubscription: options.demoSecondSubscription } : {}) });
    save();
  }

  // Periodic saves run on wall time: a virtual clock must not gain a timer that never goes away.
  const interval = persist && options.clock.kind === "real" ? setInterval(save, options.saveIntervalMs ?? 30_000) : undefined;
  interval?.unref();

  return {
    baseUrl: server.baseUrl,
    caPath: tls.caPath,
    kernel,
    save,
    waitForIdle: () => kernel.work.idle(),
    stop: async () => {
      if (interval) clearInterval(interval);
      unregisterProbe();
      await kernel.work.idle();
      save();
      kernel.dispose();
      await server.close();
    }
  };
}

/**
 * Writes a temporary file and renames it over `path`: a killed process leaves the old or the new
 * state, never half of one (the kernel's page cache outlives the process). No fsync, as the
 * durable store's `synchronous = NORMAL`: an OS crash may lose the last writes; fsyncing the
 * 2.9 MB state of a 500-cluster fleet cost 60 ms per ARM write (README, "Crash-safe local state").
 */
function writeDurably(path: string, text: string): void {
  // 0600 (the state holds Event Grid subscription URLs with their keys, and signed approval links).
  replacePrivateFile(path, text);
}

/** Every module, in the order their state must load (resources first, then the catalog and AKS). */
function registerModules(kernel: SimKernel): ReleaseCatalog {
  registerOperationRoutes(kernel);
  registerResources(kernel);
  registerManagementGroups(kernel);
  registerArmTypes(kernel);
  const catalog = registerCatalog(kernel);
  registerAks(kernel, catalog);
  registerCompute(kernel);
  registerVnetUsages(kernel);
  registerReleaseControl(kernel, catalog);
  registerFaultControl(kernel);
  registerStatsControl(kernel);
  registerFleetControl(kernel);
  // sim-services' modules build on the kernel and on AKS's `kernel.service("aks")`.
  registerEventGrid(kernel);
  registerMonitor(kernel);
  registerBudgets(kernel);
  registerTeams(kernel);
  return catalog;
}
