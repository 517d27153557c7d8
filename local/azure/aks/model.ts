import { createHash } from "node:crypto";
import type { ArmResource } from "../kernel";
import { clusterNameOf, resourceGroupOf } from "./ids";

/** An agent pool's properties as AKS returns them (request fields kept as sent, plus computed ones). */
export interface PoolProperties {
  count: number;
  vmSize: string;
  osType: string;
  osSKU?: string;
  /** `System` or `User`. */
  mode: string;
  type: string;
  orchestratorVersion: string;
  currentOrchestratorVersion: string;
  nodeImageVersion: string;
  provisioningState: string;
  powerState: { code: "Running" | "Stopped" };
  maxPods: number;
  upgradeSettings?: {
    maxSurge?: string; maxUnavailable?: string; drainTimeoutInMinutes?: number; nodeSoakDurationInMinutes?: number;
    /** `Schedule` (default) or `Cordon` (undrainable.ts); `maxBlockedNodes` only in api-versions that have it. */
    undrainableNodeBehavior?: string; maxBlockedNodes?: string;
  };
  [field: string]: unknown;
}

export interface PoolResource extends ArmResource {
  properties: PoolProperties;
}

export interface ClusterProperties {
  kubernetesVersion: string;
  currentKubernetesVersion: string;
  provisioningState: string;
  powerState: { code: "Running" | "Stopped" };
  dnsPrefix?: string;
  fqdn?: string;
  nodeResourceGroup?: string;
  [field: string]: unknown;
}

export interface ClusterResource extends ArmResource {
  location: string;
  properties: ClusterProperties;
}

export const CLUSTER_TYPE = "Microsoft.ContainerService/ManagedClusters";
export const POOL_TYPE = "Microsoft.ContainerService/managedClusters/agentPools";

/** Fields AKS never echoes back (secrets) and fields the simulator computes. */
const WRITE_ONLY_CLUSTER: string[] = ["agentPoolProfiles"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Strips secrets the way AKS does in responses (windowsProfile.adminPassword, servicePrincipalProfile.secret). */
export function redactClusterProperties(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...props };
  if (isRecord(out.windowsProfile)) {
    const { adminPassword: _p, ...rest } = out.windowsProfile;
    out.windowsProfile = rest;
  }
  if (isRecord(out.servicePrincipalProfile)) {
    const { secret: _s, ...rest } = out.servicePrincipalProfile;
    out.servicePrincipalProfile = rest;
  }
  return out;
}

/** The stored cluster properties for a create or update: the request as sent plus what AKS computes. */
export function clusterPropertiesFrom(
  id: string,
  location: string,
  requested: Record<string, unknown>,
  existing: ClusterProperties | undefined,
  kubernetesVersion: string,
  options: { managedIdentity?: boolean } = {}
): ClusterProperties {
  const props: Record<string, unknown> = { ...(existing ?? {}), ...requested };
  for (const k of WRITE_ONLY_CLUSTER) delete props[k];
  const name = clusterNameOf(id);
  const rg = resourceGroupOf(id);
  const dnsPrefix = typeof props.dnsPrefix === "string" && props.dnsPrefix ? props.dnsPrefix : `${name}-dns`;
  const hash = createHash("sha256").update(id.toLowerCase()).digest("hex").slice(0, 8);
  const network = isRecord(props.networkProfile) ? props.networkProfile : {};
  const computed: Partial<ClusterProperties> & Record<string, unknown> = {
    dnsPrefix,
    fqdn: `${dnsPrefix}-${hash}.hcp.${location}.azmk8s.io`,
    azurePortalFQDN: `${dnsPrefix}-${hash}.portal.hcp.${location}.azmk8s.io`,
    nodeResourceGroup: typeof props.nodeResourceGroup === "string" ? props.nodeResourceGroup : `MC_${rg}_${name}_${location}`,
    maxAgentPools: 100,
    enableRBAC: props.enableRBAC ?? true,
    supportPlan: props.supportPlan ?? "KubernetesOfficial",
    networkProfile: {
      // An unset plugin is kubenet, with podCidr 10.244.0.0/16 (every 2026-06-01 create example
      // without networkPlugin answers so, e.g. ManagedClustersCreate_PrivateClusterPublicFQDN.json).
      networkPlugin: "kubenet",
      loadBalancerSku: "standard",
      outboundType: "loadBalancer",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIP: "10.0.0.10",
      ipFamilies: ["IPv4"],
      ...network
    },
    kubernetesVersion,
    currentKubernetesVersion: existing?.currentKubernetesVersion ?? kubernetesVersion
  };
  const np = computed.networkProfile as Record<string, unknown>;
  np.serviceCidrs = Array.isArray(np.serviceCidrs) ? np.serviceCidrs : [np.serviceCidr];
  const overlay = (typeof np.networkPluginMode === "string" ? np.networkPluginMode.toLowerCase() : "") === "overlay" || np.networkPlugin === "kubenet";
  if (overlay && typeof np.podCidr !== "string") np.podCidr = "10.244.0.0/16";
  if (typeof np.podCidr === "string") np.podCidrs = Array.isArray(np.podCidrs) ? np.podCidrs : [np.podCidr];
  // The kubelet identity AKS creates in the node resource group (unless one is brought).
  const identityProfile = isRecord(props.identityProfile) ? { ...props.identityProfile } : {};
  const kubelet = isRecord(identityProfile.kubeletidentity) ? identityProfile.kubeletidentity : {};
  const nodeRg = String(computed.nodeResourceGroup);
  const resourceId = typeof kubelet.resourceId === "string" ? kubelet.resourceId
    : `/subscriptions/${subscriptionOf(id)}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`;
  identityProfile.kubeletidentity = { ...kubelet, resourceId, clientId: kubelet.clientId ?? guidFrom(`client:${resourceId.toLowerCase()}`), objectId: kubelet.objectId ?? guidFrom(`object:${resourceId.toLowerCase()}`) };
  computed.identityProfile = identityProfile;
  // A standard load balancer's outbound IPs: one managed public IP by default, created in the node
  // resource group (effectiveOutboundIPs), or the ones the request brings (ManagedClustersCreate_Update.json).
  if (np.outboundType === "loadBalancer" && String(np.loadBalancerSku).toLowerCase() === "standard") {
    const lbp = isRecord(np.loadBalancerProfile) ? { ...np.loadBalancerProfile } : {};
    const brought = isRecord(lbp.outboundIPs) && Array.isArray(lbp.outboundIPs.publicIPs) ? lbp.outboundIPs.publicIPs as unknown[] : undefined;
    if (!brought) lbp.managedOutboundIPs = { count: 1, ...(isRecord(lbp.managedOutboundIPs) ? lbp.managedOutboundIPs : {}) };
    const count = Number(isRecord(lbp.managedOutboundIPs) ? lbp.managedOutboundIPs.count : 1) || 1;
    lbp.effectiveOutboundIPs = brought ?? Array.from({ length: count }, (_, i) => ({
      id: `/subscriptions/${subscriptionOf(id)}/resourceGroups/${nodeRg}/providers/Microsoft.Network/publicIPAddresses/${guidFrom(`outbound:${id.toLowerCase()}:${i}`)}`
    }));
    lbp.backendPoolType ??= "NodeIPConfiguration";
    // The SNAT ports and idle timeout AKS reports (ManagedClustersCreate_PrivateClusterPublicFQDN.json
    // shows both); defaults as the spec describes them: 0 (Azure allocates dynamically) and 30 minutes.
    lbp.allocatedOutboundPorts ??= 0;
    lbp.idleTimeoutInMinutes ??= 30;
    np.loadBalancerProfile = lbp;
  }
  // AKS-managed NAT gateway: its outbound IPs in the node resource group and its idle timeout
  // (ManagedClustersCreate_ManagedNATGateway.json: effectiveOutboundIPs, idleTimeoutInMinutes 4).
  if (np.outboundType === "managedNATGateway") {
    const nat = isRecord(np.natGatewayProfile) ? { ...np.natGatewayProfile } : {};
    const mip = isRecord(nat.managedOutboundIPProfile) ? nat.managedOutboundIPProfile : {};
    nat.managedOutboundIPProfile = { count: 1, ...mip };
    const count = Number(record(nat.managedOutboundIPProfile).count) || 1;
    nat.idleTimeoutInMinutes ??= 4;
    nat.effectiveOutboundIPs = Array.from({ length: count }, (_, i) => ({
      id: `/subscriptions/${subscriptionOf(id)}/resourceGroups/${nodeRg}/providers/Microsoft.Network/publicIPAddresses/${guidFrom(`natoutbound:${id.toLowerCase()}:${i}`)}`
    }));
    np.natGatewayProfile = nat;
  }
  // A private cluster: the API server's private FQDN and, unless one is brought, the system zone
  // (ManagedClustersCreate_PrivateClusterPublicFQDN.json: privateFQDN, privateDNSZone "system").
  const api = isRecord(props.apiServerAccessProfile) ? props.apiServerAccessProfile : undefined;
  if (api?.enablePrivateCluster === true) {
    const zone = typeof api.privateDNSZone === "string" && api.privateDNSZone ? api.privateDNSZone : "system";
    computed.apiServerAccessProfile = { ...api, privateDNSZone: zone };
    const zoneName = zone.startsWith("/") ? zone.split("/").pop() ?? "" : `privatelink.${location}.azmk8s.io`;
    computed.privateFQDN = `${dnsPrefix}-${hash}.${guidFrom(`privatefqdn:${id.toLowerCase()}`)}.${zoneName}`;
  }
  // A managed-identity cluster reports servicePrincipalProfile.clientId "msi" (mspnp/aks-baseline
  // sends it; Azure/secrets-store-csi-driver-provider-azure#80 shows AKS answering it).
  if (options.managedIdentity && !isRecord(props.servicePrincipalProfile)) computed.servicePrincipalProfile = { clientId: "msi" };
  const oidc = isRecord(props.oidcIssuerProfile) ? props.oidcIssuerProfile : undefined;
  if (oidc?.enabled === true) {
    computed.oidcIssuerProfile = { ...oidc, issuerURL: `https://${location}.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/${hash}/` };
  }
  return {
    ...(props as Partial<ClusterProperties>),
    ...computed,
    provisioningState: existing?.provisioningState ?? "Creating",
    powerState: existing?.powerState ?? { code: "Running" }
  } as ClusterProperties;
}

function record(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

function subscriptionOf(id: string): string {
  return /\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";
}

/** A deterministic GUID for a seed (principal, client and object ids). */
export function guidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A pool's stored properties from a request (cluster profile entry or agent pool PUT). */
export function poolPropertiesFrom(
  requested: Record<string, unknown>,
  existing: PoolProperties | undefined,
  defaults: { orchestratorVersion: string; nodeImageVersion: string; maxPods?: number }
): PoolProperties {
  const { name: _n, ...fields } = requested;
  const merged: Record<string, unknown> = { ...(existing ?? {}), ...fields };
  const orchestratorVersion = typeof merged.orchestratorVersion === "string" && merged.orchestratorVersion ? merged.orchestratorVersion : defaults.orchestratorVersion;
  return {
    ...merged,
    count: typeof merged.count === "number" ? merged.count : 1,
    vmSize: typeof merged.vmSize === "string" ? merged.vmSize : "Standard_D2s_v5",
    osType: typeof merged.osType === "string" ? merged.osType : "Linux",
    osSKU: typeof merged.osSKU === "string" ? merged.osSKU : "Ubuntu",
    mode: typeof merged.mode === "string" ? merged.mode : "User",
    type: typeof merged.type === "string" ? merged.type : "VirtualMachineScaleSets",
    maxPods: typeof merged.maxPods === "number" ? merged.maxPods : defaults.maxPods ?? 110,
    ...spotAndVmFields(merged),
    // AKS reports the surge it uses: 10% unless set (AgentPoolsGet.json shows upgradeSettings.maxSurge).
    upgradeSettings: { maxSurge: "10%", ...(isRecord(merged.upgradeSettings) ? merged.upgradeSettings : {}) },
    orchestratorVersion,
    currentOrchestratorVersion: existing?.currentOrchestratorVersion ?? orchestratorVersion,
    nodeImageVersion: existing?.nodeImageVersion ?? defaults.nodeImageVersion,
    provisioningState: existing?.provisioningState ?? "Creating",
    powerState: existing?.powerState ?? { code: "Running" }
  };
}

/**
 * Spot pools report `spotMaxPrice` -1 (pay up to the on-demand price) and `scaleSetEvictionPolicy`
 * Delete unless set (AgentPoolsCreate_Spot.json); VirtualMachines pools report their nodes per size
 * in `virtualMachineNodesStatus` (AgentPoolsCreate_TypeVirtualMachines_Autoscale.json).
 */
function spotAndVmFields(merged: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (merged.scaleSetPriority === "Spot") {
    out.spotMaxPrice = typeof merged.spotMaxPrice === "number" ? merged.spotMaxPrice : -1;
    out.scaleSetEvictionPolicy = typeof merged.scaleSetEvictionPolicy === "string" ? merged.scaleSetEvictionPolicy : "Delete";
  }
  if (merged.type === "VirtualMachines") {
    const scale = record(record(merged.virtualMachinesProfile).scale);
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
    const sizes = [...list(scale.manual), ...list(scale.autoscale)].map(record);
    out.virtualMachineNodesStatus = sizes.length > 0
      ? sizes.map((x) => ({ size: x.size, count: typeof x.count === "number" ? x.count : typeof x.minCount === "number" ? x.minCount : 0 }))
      : [{ size: typeof merged.vmSize === "string" ? merged.vmSize : "Standard_D2s_v5", count: typeof merged.count === "number" ? merged.count : 1 }];
  }
  return out;
}

/**
 * Nodes surged per batch: `maxSurge` as a count or a percentage of the pool (rounded up), default
 * 10% (the SDK's `AgentPoolUpgradeSettings.maxSurge` documentation); at least one.
 */
export function surgeOf(props: Pick<PoolProperties, "count" | "upgradeSettings">): number {
  const raw = props.upgradeSettings?.maxSurge ?? "10%";
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(raw.trim());
  const n = pct ? Math.ceil((props.count * Number(pct[1])) / 100) : Number.parseInt(raw, 10);
  return Math.max(1, Math.min(Number.isFinite(n) ? n : 1, Math.max(1, props.count)));
}
