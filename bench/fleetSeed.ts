/**
 * A simulated fleet for the rollout bench: N clusters × P pools created through the simulator's own
 * ARM routes (in process, as the demo seed does), each with an `aksManagedNodeOSUpgradeSchedule`,
 * and registered in Cosmos as the adoption would (environment, policy). Windows are spread by ring
 * so that a weekly rollout with a soak between rings reaches every ring in the same week:
 * dev Monday, staging Tuesday, prod Thursday to Saturday.
 */
import { ARM_DEFAULT_LIMITS, dispatch, type SimKernel, type SimRequest } from "../local/azure/kernel";
import { defaultPolicy, mergePolicy, type Environment } from "../shared/domain/policy";
import type { ClusterRecord, Store } from "../shared/store";

const AKS_API = "2026-06-01";
const RESOURCES_API = "2021-04-01";
const QUOTA_API = "2023-02-01";

export interface FleetSpec {
  clusters: number;
  pools: number;
  /** All clusters of a ring share one window start (stresses ARM throttling). */
  sameWindow: boolean;
  /** Seeding date (the windows' startDate). */
  startDate: string;
  /** Issue 31: subscriptions the fleet is spread over (cluster i in subscription i mod N); default 1. */
  subscriptions?: number;
}

/** The bench's subscription `index` (0: the simulator's own). */
export function fleetSubscription(kernel: SimKernel, index: number): string {
  return index === 0 ? kernel.config.subscriptionId : `00000000-0000-0000-0000-${String(index + 1).padStart(12, "0")}`;
}

export interface SeededCluster {
  name: string;
  resourceId: string;
  environment: Environment;
  pools: number;
}

export class FleetSeedError extends Error {
  override readonly name = "FleetSeedError";
  constructor(readonly path: string, readonly status: number, readonly detail: unknown) {
    super(`Fleet seed: ${path} answered ${status}: ${JSON.stringify(detail)}`);
  }
}

/** 10% dev, 30% staging, 60% prod: a typical fleet leans towards production. */
export function environmentOf(index: number, total: number): Environment {
  const share = index / total;
  return share < 0.1 ? "dev" : share < 0.4 ? "staging" : "prod";
}

/** A weekly window per cluster (UTC): dev Monday 01–04h, staging Tuesday 00–10h, prod Thu/Fri/Sat 00–18h. */
export function windowOf(environment: Environment, index: number, sameWindow: boolean): { dayOfWeek: string; startTime: string; durationHours: number } {
  const hh = (h: number): string => `${String(h).padStart(2, "0")}:00`;
  if (environment === "dev") return { dayOfWeek: "Monday", startTime: hh(sameWindow ? 2 : 1 + (index % 4)), durationHours: 4 };
  if (environment === "staging") return { dayOfWeek: "Tuesday", startTime: hh(sameWindow ? 2 : index % 11), durationHours: 4 };
  const days = ["Thursday", "Friday", "Saturday"];
  return { dayOfWeek: sameWindow ? "Thursday" : days[index % 3]!, startTime: hh(sameWindow ? 2 : 2 * (Math.floor(index / 3) % 10)), durationHours: 6 };
}

async function call(kernel: SimKernel, method: string, path: string, apiVersion: string, body?: unknown): Promise<void> {
  const req: SimRequest = {
    method, path, query: new URLSearchParams({ "api-version": apiVersion }),
    headers: { authorization: "Bearer fleet-seed", "content-type": "application/json" },
    body, rawBody: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
    subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(path)?.[1], baseUrl: kernel.baseUrl
  };
  const res = await kernel.track(dispatch(kernel, req));
  if (res.status >= 300) throw new FleetSeedError(path, res.status, res.body);
}

/**
 * Creates the fleet. Seeding is setup, not the measured rollout: ARM's limits are lifted while it
 * runs and restored after, and the caller resets `/_sim/stats` before the rollout starts.
 */
export async function seedFleet(kernel: SimKernel, store: Pick<Store, "clusters">, spec: FleetSpec): Promise<SeededCluster[]> {
  const location = kernel.config.location;
  const subscriptions = Math.max(1, spec.subscriptions ?? 1);
  kernel.throttler.setLimits({ read: { burst: 1e9, perSecond: 1e9 }, write: { burst: 1e9, perSecond: 1e9 }, delete: { burst: 1e9, perSecond: 1e9 } });
  const seeded: SeededCluster[] = [];
  const groups = Math.max(1, Math.ceil(spec.clusters / 50));
  // A fleet this size runs on vCPU quota raised for it, as an operator raises it (Microsoft.Quota):
  // the simulator refuses nodes past the region's and the family's limits as AKS does (per subscription).
  const vcpus = Math.ceil(spec.clusters / subscriptions) * spec.pools * 4 * 4 * 2;
  for (let s = 0; s < subscriptions; s++) {
    const sub = fleetSubscription(kernel, s);
    for (let g = 0; g < groups; g++) await call(kernel, "PUT", `/subscriptions/${sub}/resourceGroups/rg-fleet-${String(g).padStart(3, "0")}`, RESOURCES_API, { location });
    for (const name of ["cores", "standardDDSv5Family"]) {
      await call(kernel, "PUT", `/subscriptions/${sub}/providers/Microsoft.Compute/locations/${location}/providers/Microsoft.Quota/quotas/${name}`, QUOTA_API, { properties: { limit: { limitObjectType: "LimitValue", value: Math.max(20_000, vcpus) }, name: { value: name } } });
    }
  }
  const at = new Date(kernel.clock.now()).toISOString();
  for (let i = 0; i < spec.clusters; i++) {
    const sub = fleetSubscription(kernel, i % subscriptions);
    const name = `aks-fleet-${String(i).padStart(4, "0")}`;
    const rg = `rg-fleet-${String(Math.floor(i / 50)).padStart(3, "0")}`;
    const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    const environment = environmentOf(i, spec.clusters);
    const pools = Array.from({ length: spec.pools }, (_, p) => ({
      name: p === 0 ? "system" : `user${p}`, mode: p === 0 ? "System" : "User", count: 2 + ((i + p) % 3),
      vmSize: "Standard_D4ds_v5", osType: "Linux", osSKU: "Ubuntu", upgradeSettings: { maxSurge: "33%" }
    }));
    await call(kernel, "PUT", id, AKS_API, {
      location, tags: { environment },
      properties: { dnsPrefix: name, agentPoolProfiles: pools, autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "None" } }
    });
    for (const op of kernel.lro.active(id)) kernel.lro.completeNow(op.name);
    const w = windowOf(environment, i, spec.sameWindow);
    await call(kernel, "PUT", `${id}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule`, AKS_API, {
      properties: { maintenanceWindow: { schedule: { weekly: { intervalWeeks: 1, dayOfWeek: w.dayOfWeek } }, durationHours: w.durationHours, utcOffset: "+00:00", startDate: spec.startDate, startTime: w.startTime } }
    });
    // Registered as adoption would: the environment's policy, without approvals (nobody approves 1,500 cards in a bench).
    const record: ClusterRecord = {
      id: name, resourceId: id, subscriptionId: sub, resourceGroup: rg, environment,
      policy: mergePolicy(defaultPolicy(environment), { approval: "none" }),
      spec: { location, kubernetesVersion: "", pools: pools.map((p) => ({ name: p.name, mode: p.mode as "System" | "User", count: p.count })) },
      createdAt: at, updatedAt: at
    };
    await store.clusters.create(record);
    seeded.push({ name, resourceId: id, environment, pools: spec.pools });
  }
  kernel.throttler.setLimits(ARM_DEFAULT_LIMITS);
  return seeded;
}
