import type { ReleaseCatalog } from "../catalog";
import { dispatch, type SimKernel, type SimRequest, type SimResponse } from "../kernel";
import { clusterId } from "../aks";
import { MANAGEMENT_GROUPS_SERVICE, type ManagementGroups } from "../managementGroups";

/** The api-version the demo seed speaks (the one @azure/arm-containerservice 25.5.0 sends). */
const AKS_API = "2026-06-01";
const RESOURCES_API = "2021-04-01";
/** The api-version @azure/arm-network 36.0.0 sends. */
const NETWORK_API = "2025-05-01";
const DIAGNOSTICS_API = "2021-05-01-preview";

export const DEMO_ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type DemoEnvironment = (typeof DEMO_ENVIRONMENTS)[number];

/** Node OS maintenance windows on different days, so a fleet-wide rollout is staggered. */
const WINDOW_DAY: Record<DemoEnvironment, string> = { dev: "Monday", staging: "Tuesday", prod: "Thursday" };

export class DemoSeedError extends Error {
  override readonly name = "DemoSeedError";
  constructor(readonly path: string, readonly status: number, readonly detail: unknown) {
    super(`Demo seed: ${path} answered ${status}: ${JSON.stringify(detail)}`);
  }
}

export interface DemoSeedOptions {
  /** Runs after the clusters exist (sim-services: Event Grid topics and subscriptions for them). */
  afterDemoSeed?: (kernel: SimKernel, clusterIds: string[]) => void | Promise<void>;
  /**
   * Issue 31: a second subscription for the demo fleet; `aks-staging` (its resource group, network
   * and workspace) is seeded there, the others in the kernel's subscription.
   */
  secondSubscription?: string;
}

/** The demo fleet's second subscription (`npm start`; tests opt in with `demoSubscriptions: 2`). */
export const DEMO_SECOND_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000002";
/** The demo's management group, holding every demo subscription (AZURE_MANAGEMENT_GROUP_ID=mg-aksops-demo reads them). */
export const DEMO_MANAGEMENT_GROUP_ID = "mg-aksops-demo";

/** The environment seeded in the second subscription, when there is one. */
export const SECOND_SUBSCRIPTION_ENVIRONMENT: DemoEnvironment = "staging";

/** One minor behind the newest GA minor in the catalog, at its latest patch. */
export function demoKubernetesVersion(catalog: ReleaseCatalog): string {
  const ga = catalog.kubernetes.gaMinors();
  const minor = ga[ga.length - 2] ?? ga[ga.length - 1];
  const version = minor ? catalog.kubernetes.latestPatch(minor, false) : undefined;
  if (!version) throw new DemoSeedError("catalog", 500, "the catalog has no generally available version");
  return version;
}

/**
 * A cluster shaped like the AKS baseline (mspnp/aks-baseline): system pool tainted, zones, Azure CNI
 * + policy, Entra ID + Azure RBAC. Each environment keeps the gaps real fleets have, so conformance
 * has something to say (BASELINE.md §4): dev keeps local accounts, run command, Azure CNI without
 * overlay and no Defender or resource logs; staging logs kube-audit beside kube-audit-admin; prod
 * is close to the baseline (its gaps: system-assigned identity, no autoscaler, Ubuntu nodes, no API
 * Server VNet Integration).
 */
export function baselineCluster(kernel: SimKernel, env: DemoEnvironment, kubernetesVersion: string, sub: string = kernel.config.subscriptionId): Record<string, unknown> {
  const rg = `rg-aks-${env}`;
  const workspace = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/log-aks-${env}`;
  const subnet = (name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks-${env}/subnets/${name}`;
  const pool = (name: string, count: number, mode: "System" | "User") => ({
    name, count, mode,
    vmSize: "Standard_D4ds_v5", osType: "Linux", osSKU: "Ubuntu", osDiskType: "Ephemeral", osDiskSizeGB: 80,
    type: "VirtualMachineScaleSets", availabilityZones: ["1", "2", "3"], maxPods: 30,
    orchestratorVersion: kubernetesVersion, vnetSubnetID: subnet("snet-clusternodes"),
    upgradeSettings: { maxSurge: "33%" },
    ...(env === "prod" ? { tags: { environment: env, "cost-center": "aksops-demo" } } : {}),
    ...(mode === "System" ? { nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"], onlyCriticalAddonsEnabled: true } : {})
  });
  return {
    location: kernel.config.location,
    tags: { environment: env, workload: "aksops-demo" },
    identity: { type: "SystemAssigned" },
    sku: { name: "Base", tier: env === "prod" ? "Standard" : "Free" },
    properties: {
      kubernetesVersion,
      dnsPrefix: `aks-${env}`,
      agentPoolProfiles: [pool("system", 3, "System"), pool("user", 2, "User")],
      networkProfile: {
        networkPlugin: "azure", networkPolicy: "azure", loadBalancerSku: "standard", outboundType: "userDefinedRouting",
        ...(env === "dev" ? {} : { networkPluginMode: "overlay", podCidr: "192.168.0.0/16" }),
        serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10"
      },
      apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"], ...(env === "dev" ? {} : { disableRunCommand: true }) },
      aadProfile: { managed: true, enableAzureRBAC: true, tenantID: "00000000-0000-0000-0000-000000000000" },
      enableRBAC: true,
      disableLocalAccounts: env !== "dev",
      oidcIssuerProfile: { enabled: true },
      securityProfile: {
        workloadIdentity: { enabled: true },
        ...(env === "dev" ? {} : {
          defender: { logAnalyticsWorkspaceResourceId: workspace, securityMonitoring: { enabled: true } },
          imageCleaner: { enabled: true, intervalHours: 120 }
        })
      },
      addonProfiles: {
        azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } },
        azurepolicy: { enabled: true, config: { version: "v2" } },
        omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspace, ...(env === "dev" ? {} : { useAADAuth: "true" }) } }
      },
      ...(env === "dev" ? {} : { azureMonitorProfile: { metrics: { enabled: true } } }),
      ...(env === "prod" ? { metricsProfile: { costAnalysis: { enabled: true } } } : {}),
      autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "NodeImage" }
    }
  };
}

/** The cluster's resource logs: none in dev, kube-audit beside kube-audit-admin in staging, the baseline's four in prod. */
export function clusterLogSetting(env: DemoEnvironment, workspaceId: string): Record<string, unknown> | undefined {
  const categories: Record<DemoEnvironment, string[]> = {
    dev: [],
    staging: ["cluster-autoscaler", "kube-controller-manager", "kube-audit", "kube-audit-admin", "guard"],
    prod: ["cluster-autoscaler", "kube-controller-manager", "kube-audit-admin", "guard"]
  };
  if (categories[env].length === 0) return undefined;
  return { properties: { workspaceId, logs: categories[env].map((category) => ({ category, enabled: true })) } };
}

export function nodeOsMaintenanceWindow(env: DemoEnvironment, startDate: string): Record<string, unknown> {
  return {
    properties: {
      maintenanceWindow: {
        schedule: { weekly: { intervalWeeks: 1, dayOfWeek: WINDOW_DAY[env] } },
        durationHours: 4, utcOffset: "+00:00", startDate, startTime: "02:00"
      }
    }
  };
}

async function call(kernel: SimKernel, method: string, path: string, apiVersion: string, body?: unknown): Promise<SimResponse> {
  const raw = Buffer.from(body === undefined ? "" : JSON.stringify(body));
  const req: SimRequest = {
    method, path, query: new URLSearchParams({ "api-version": apiVersion }),
    headers: { authorization: "Bearer demo-seed", "content-type": "application/json" },
    body, rawBody: raw, subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(path)?.[1], baseUrl: kernel.baseUrl
  };
  const res = await kernel.track(dispatch(kernel, req));
  if (res.status >= 300) throw new DemoSeedError(path, res.status, res.body);
  return res;
}

/** Completes a long-running PUT at once (the demo fleet is ready at start). */
async function settle(kernel: SimKernel, id: string, _res: SimResponse): Promise<void> {
  for (const op of kernel.lro.active(id)) kernel.lro.completeNow(op.name);
  await Promise.resolve();
}

/**
 * Seeds the demo fleet through the simulator's own ARM routes (so it is exactly what a client
 * would have created), then completes the creations at once so the fleet is ready at start.
 * Deterministic: same names, versions and settings every time.
 */
export async function seedDemoFleet(kernel: SimKernel, catalog: ReleaseCatalog, options: DemoSeedOptions = {}): Promise<string[]> {
  const version = demoKubernetesVersion(catalog);
  const startDate = new Date(kernel.clock.now()).toISOString().slice(0, 10);
  const ids: string[] = [];
  kernel.service<ManagementGroups>(MANAGEMENT_GROUPS_SERVICE)?.put(DEMO_MANAGEMENT_GROUP_ID, {
    displayName: "aksops demo landing zones", subscriptions: [kernel.config.subscriptionId, ...(options.secondSubscription ? [options.secondSubscription] : [])]
  });
  for (const env of DEMO_ENVIRONMENTS) {
    const sub = options.secondSubscription && env === SECOND_SUBSCRIPTION_ENVIRONMENT ? options.secondSubscription : kernel.config.subscriptionId;
    const rg = `/subscriptions/${sub}/resourceGroups/rg-aks-${env}`;
    await call(kernel, "PUT", rg, RESOURCES_API, { location: kernel.config.location, tags: { environment: env } });
    await call(kernel, "PUT", `${rg}/providers/Microsoft.OperationalInsights/workspaces/log-aks-${env}`, "2023-09-01",
      { location: kernel.config.location, properties: { sku: { name: "PerGB2018" }, retentionInDays: 30 } });
    // The baseline's egress: a route table sending 0.0.0.0/0 to the hub firewall, on the nodes subnet
    // (AKS validates both for outboundType userDefinedRouting).
    const routeTable = `${rg}/providers/Microsoft.Network/routeTables/route-to-hub-fw`;
    await settle(kernel, routeTable, await call(kernel, "PUT", routeTable, NETWORK_API, {
      location: kernel.config.location,
      properties: { routes: [{ name: "r-nexthop-to-fw", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.200.0.4" } }] }
    }));
    const nsg = `${rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-clusternodes`;
    if (env !== "dev") {
      await settle(kernel, nsg, await call(kernel, "PUT", nsg, NETWORK_API, { location: kernel.config.location, properties: { securityRules: [] } }));
    }
    const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks-${env}`;
    await settle(kernel, vnet, await call(kernel, "PUT", vnet, NETWORK_API, {
      location: kernel.config.location,
      properties: {
        addressSpace: { addressPrefixes: ["10.240.0.0/16"] },
        subnets: [{ name: "snet-clusternodes", properties: { addressPrefix: "10.240.0.0/22", routeTable: { id: routeTable }, ...(env === "dev" ? {} : { networkSecurityGroup: { id: nsg } }) } }]
      }
    }));
    const id = clusterId(sub, `rg-aks-${env}`, `aks-${env}`);
    await call(kernel, "PUT", id, AKS_API, baselineCluster(kernel, env, version, sub));
    for (const op of kernel.lro.active(id)) kernel.lro.completeNow(op.name);
    await call(kernel, "PUT", `${id}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule`, AKS_API, nodeOsMaintenanceWindow(env, startDate));
    const logs = clusterLogSetting(env, `${rg}/providers/Microsoft.OperationalInsights/workspaces/log-aks-${env}`);
    if (logs) await call(kernel, "PUT", `${id}/providers/Microsoft.Insights/diagnosticSettings/cluster-logs`, DIAGNOSTICS_API, logs);
    ids.push(id);
  }
  await options.afterDemoSeed?.(kernel, ids);
  return ids;
}
