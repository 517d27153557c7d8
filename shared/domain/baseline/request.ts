/**
 * The provisioning request (`POST /api/clusters` with a `network`), and its validation: every
 * invalid field named at once, before anything is written. Pure.
 */
import { isSubscriptionId } from "../subscriptions";
import { ENVIRONMENTS, validatePolicy, type Environment, type PolicyOverrides } from "../policy";
import type { FieldIssue } from "../maintenanceSchedule";
import { AKS_RESERVED_RANGES, containsAddress, overlaps, parseIpv4, parseRange, type Range } from "./cidr";
import { derivedNames, NAME_RULES } from "./names";
import { isRecord } from "../json";

export interface PoolOverride { vmSize?: string; count?: number; minCount?: number; maxCount?: number }

/** What a request may change in the profile (a closed set; anything else is a 400). */
export interface ProfileOverrides {
  kubernetesVersion?: string;
  systemPool?: PoolOverride;
  userPool?: PoolOverride;
  zones?: string[];
  privateCluster?: boolean;
  defender?: boolean;
  skuTier?: "Free" | "Standard" | "Premium";
  podCidr?: string;
  serviceCidr?: string;
  dnsServiceIP?: string;
  budgetAmount?: number;
  /** The region of the registry's geo-replica (prod default: the location's Azure pair, `PAIRED_REGIONS`; dev and staging have none unless given). */
  registryReplicaLocation?: string;
}

/** A Git repository Flux bootstraps the cluster from (the reference's fluxConfiguration `bootstrap`, cluster-stamp.bicep:1142-1178). */
export interface GitOpsSource {
  /** `https://`, `http://` or `ssh://` (Flux's GitRepository `spec.url` pattern `^(http|https|ssh)://`, fluxcd/source-controller#253); no credentials. */
  url: string;
  /** Default `main`. */
  branch?: string;
  /** The kustomization's path in the repository; default `./`. */
  path?: string;
}

/** Who administers the cluster (local accounts are off, Azure RBAC is on): Entra group object ids. */
export interface AccessRequest {
  adminGroupObjectIds: string[];
  /** Groups that read one Kubernetes namespace (AKS RBAC Reader at `{cluster}/namespaces/{ns}`). */
  namespaceReaders?: { namespace: string; groupObjectId: string }[];
}

/** The workload path's certificates: ARM ids of Key Vault secrets (`…/vaults/{v}/secrets/{s}`). */
export interface TlsRequest {
  /** The App Gateway's public listener certificate (PFX). */
  gatewayCertificateSecretId: string;
  /** The root the gateway trusts for the ingress controller's internal certificate. */
  ingressRootCertificateSecretId: string;
}

export interface ProvisionRequest {
  name: string;
  environment: Environment;
  location: string;
  network: { hubAddressSpace?: string; hubId?: string; spokeAddressSpace: string };
  overrides?: ProfileOverrides;
  /** Validated as PolicyOverrides (`validatePolicy`) before it is accepted. */
  policy?: PolicyOverrides;
  /** When given: the microsoft.flux extension, a Flux configuration and the firewall's GitOps egress rules. */
  gitops?: GitOpsSource;
  /** Required outside dev (BASELINE.md §4 rule 5). */
  access?: AccessRequest;
  /** Required outside dev; dev without it gets a self-signed pair written to the cluster's vault. */
  tls?: TlsRequest;
  /**
   * The subscription to provision in (issue 31): one the platform manages (the handler checks it,
   * shared/domain/subscriptions.ts); absent: the platform's home subscription.
   */
  subscriptionId?: string;
}

/** Regions the platform provisions in, each with three availability zones (AKS and Azure Firewall zonal). */
export const ZONAL_REGIONS: readonly string[] = [
  "australiaeast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastus", "eastus2", "francecentral",
  "germanywestcentral", "japaneast", "koreacentral", "northeurope", "norwayeast", "southcentralus", "southeastasia",
  "swedencentral", "switzerlandnorth", "uksouth", "westeurope", "westus2", "westus3"
];

/**
 * Each zonal region's Azure pair (learn.microsoft.com/azure/reliability/regions-list, column "Paired region"):
 * where the prod registry's geo-replica goes by default, as the reference's `geoRedundancyLocation` asks
 * ("Should be different than the location parameter and ideally should be a paired region … This region does
 * not need to support availability zones", acr-stamp.bicep:11-13). Five pairs (francesouth, germanynorth,
 * norwaywest, swedensouth, switzerlandwest) are access-restricted regions: a subscription without access
 * names another region in `overrides.registryReplicaLocation`.
 */
export const PAIRED_REGIONS: Readonly<Record<string, string>> = {
  australiaeast: "australiasoutheast", brazilsouth: "southcentralus", canadacentral: "canadaeast", centralindia: "southindia",
  centralus: "eastus2", eastus: "westus", eastus2: "centralus", francecentral: "francesouth", germanywestcentral: "germanynorth",
  japaneast: "japanwest", koreacentral: "koreasouth", northeurope: "westeurope", norwayeast: "norwaywest", southcentralus: "northcentralus",
  southeastasia: "eastasia", swedencentral: "swedensouth", switzerlandnorth: "switzerlandwest", uksouth: "ukwest", westeurope: "northeurope",
  westus2: "westcentralus", westus3: "eastus"
};

/** The registry replica's region for a request: the override, else prod's default (the pair), else none (BASELINE.md §5). */
export function registryReplicaLocationOf(request: Pick<ProvisionRequest, "environment" | "location" | "overrides">): string | undefined {
  return request.overrides?.registryReplicaLocation ?? (request.environment === "prod" ? PAIRED_REGIONS[request.location] : undefined);
}

/** Defaults of the address plan (BASELINE.md Appendix B). */
export const DEFAULT_HUB_ADDRESS_SPACE = "10.200.0.0/24";
export const DEFAULT_POD_CIDR = "192.168.0.0/16";
export const DEFAULT_SERVICE_CIDR = "172.16.0.0/16";
export const DEFAULT_DNS_SERVICE_IP = "172.16.0.10";
/** The spoke holds five subnets up to offset 7.0/28 (Appendix B): a /21 at least. */
export const MAX_SPOKE_PREFIX = 21;
/** The hub holds AzureFirewallSubnet /26 (V8) and GatewaySubnet /27: a /24 at least. */
export const MAX_HUB_PREFIX = 24;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A Kubernetes namespace name (DNS-1123 label). */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const KEY_VAULT_SECRET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/secrets\/[^/]+$/i;
export interface EnvironmentProfile {
  skuTier: string;
  system: { count: number; minCount: number; maxCount: number; vmSize: string };
  user: { count: number; minCount: number; maxCount: number; vmSize: string };
  privateCluster: boolean;
  defender: boolean;
  firewallTier: "Standard" | "Premium";
  /** Firewall public IPs: SNAT ports scale with them (hub-default.bicep:339 `numFirewallIpAddressesToAssign = 3`). */
  firewallPublicIps: number;
  /** Firewall policy analytics (`insights`, hub-default.bicep:407-415). */
  firewallPolicyAnalytics: boolean;
}

/** BASELINE.md §5 (what varies by environment). */
export const ENVIRONMENT_PROFILES: Record<Environment, EnvironmentProfile> = {
  dev: { skuTier: "Free", system: { count: 2, minCount: 2, maxCount: 3, vmSize: "Standard_D2d_v5" }, user: { count: 1, minCount: 1, maxCount: 3, vmSize: "Standard_D4d_v5" }, privateCluster: false, defender: false, firewallTier: "Standard", firewallPublicIps: 1, firewallPolicyAnalytics: false },
  staging: { skuTier: "Standard", system: { count: 3, minCount: 3, maxCount: 4, vmSize: "Standard_D2d_v5" }, user: { count: 2, minCount: 2, maxCount: 5, vmSize: "Standard_D4d_v5" }, privateCluster: true, defender: true, firewallTier: "Premium", firewallPublicIps: 3, firewallPolicyAnalytics: true },
  prod: { skuTier: "Standard", system: { count: 3, minCount: 3, maxCount: 4, vmSize: "Standard_D2d_v5" }, user: { count: 2, minCount: 2, maxCount: 5, vmSize: "Standard_D4d_v5" }, privateCluster: true, defender: true, firewallTier: "Premium", firewallPublicIps: 3, firewallPolicyAnalytics: true }
};

/** The node subnet (`snet-clusternodes`, offset 0 of the spoke, BASELINE.md Appendix B) is a /22. */
export const NODE_SUBNET_PREFIX = 22;
/** Every pool's `upgradeSettings.maxSurge` (the baseline profile sets it on both pools). */
export const POOL_MAX_SURGE = "33%";
/** "Azure reserves 5 IP addresses within each subnet" (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets). */
export const AZURE_RESERVED_SUBNET_ADDRESSES = 5;
/** Azure CNI Overlay gives each node a /24 of the pod CIDR (https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning, "Overlay networks"). */
export const OVERLAY_NODE_POD_PREFIX = 24;

const HUB_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i;
const POOL_KEYS = ["vmSize", "count", "minCount", "maxCount"];
const OVERRIDE_KEYS = ["kubernetesVersion", "systemPool", "userPool", "zones", "privateCluster", "defender", "skuTier", "podCidr", "serviceCidr", "dnsServiceIP", "budgetAmount", "registryReplicaLocation"];

function unknown(body: Record<string, unknown>, allowed: readonly string[], prefix: string): FieldIssue[] {
  return Object.keys(body).filter((k) => !allowed.includes(k)).map((k) => ({ field: `${prefix}${k}`, message: "is not a known field" }));
}

export type Validated = { ok: true; value: ProvisionRequest } | { ok: false; issues: FieldIssue[] };

/**
 * Validates a provisioning request. Rules: name rules of every resource the name derives (AKS,
 * Key Vault, registry, workspace), CIDR syntax and network addresses, overlaps between hub, spoke,
 * pod, service and AKS-reserved ranges, subnet sizes, `dnsServiceIP` inside the service range and
 * not its first addresses, zonal region and zones, pool counts, and overrides that would break a
 * baseline rule (allowed in dev only: BASELINE.md §5's dev column).
 */
export function validateProvisionRequest(body: unknown): Validated {
  if (!isRecord(body)) return { ok: false, issues: [{ field: "body", message: "must be a JSON object" }] };
  const issues = unknown(body, ["name", "environment", "location", "network", "overrides", "policy", "gitops", "access", "tls", "subscriptionId"], "");
  if (body.subscriptionId !== undefined && !isSubscriptionId(body.subscriptionId)) {
    issues.push({ field: "subscriptionId", message: `must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got ${JSON.stringify(body.subscriptionId)}` });
  }
  if (body.gitops !== undefined) issues.push(...gitopsIssues(body.gitops));
  const name = typeof body.name === "string" ? body.name : "";
  if (typeof body.name !== "string") issues.push({ field: "name", message: "is required (a string)" });
  else {
    for (const [resource, value] of Object.entries(derivedNames(name))) {
      const rule = NAME_RULES[resource as keyof typeof NAME_RULES];
      if (!rule.pattern.test(value) || value.length > rule.max || value.length < rule.min || (rule.noDoubleHyphen && value.includes("--"))) {
        issues.push({ field: "name", message: `gives the ${rule.what} name '${value}', which ${rule.rule}` });
      }
    }
  }
  const environment = body.environment as Environment;
  if (typeof body.environment !== "string" || !(ENVIRONMENTS as readonly string[]).includes(body.environment)) {
    issues.push({ field: "environment", message: `must be one of ${ENVIRONMENTS.join(", ")}` });
  }
  if (typeof body.location !== "string" || !ZONAL_REGIONS.includes(body.location)) {
    issues.push({ field: "location", message: `must be an Azure region with three availability zones: ${ZONAL_REGIONS.join(", ")}` });
  }

  const ranges: { field: string; range: Range }[] = [];
  const cidr = (field: string, value: unknown, maxPrefix?: number): Range | undefined => {
    // Stored and sent to ARM as given: a padded value is refused, never trimmed behind the caller's back.
    if (typeof value === "string" && value !== value.trim()) { issues.push({ field, message: `must not have leading or trailing whitespace, got ${JSON.stringify(value)}` }); return undefined; }
    const r = parseRange(value);
    if (!r) { issues.push({ field, message: `must be an IPv4 CIDR (a.b.c.d/n), got ${JSON.stringify(value)}` }); return undefined; }
    if (r.hostBits) { issues.push({ field, message: `${r.text} has host bits set: the network address is ${formatStart(r)}` }); return undefined; }
    if (maxPrefix !== undefined && r.prefix > maxPrefix) { issues.push({ field, message: `${r.text} is too small: at least a /${maxPrefix} is needed for the baseline's subnets` }); return undefined; }
    ranges.push({ field, range: r });
    return r;
  };

  if (!isRecord(body.network)) issues.push({ field: "network", message: "is required: { hubAddressSpace? | hubId?, spokeAddressSpace }" });
  else {
    const n = body.network;
    issues.push(...unknown(n, ["hubAddressSpace", "hubId", "spokeAddressSpace"], "network."));
    if (n.hubAddressSpace !== undefined && n.hubId !== undefined) issues.push({ field: "network.hubId", message: "give either hubId (an existing hub) or hubAddressSpace (a new hub), not both" });
    if (n.hubId !== undefined && (typeof n.hubId !== "string" || !HUB_ID.test(n.hubId))) issues.push({ field: "network.hubId", message: "must be a virtual network resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…)" });
    if (n.hubId === undefined) cidr("network.hubAddressSpace", n.hubAddressSpace ?? DEFAULT_HUB_ADDRESS_SPACE, MAX_HUB_PREFIX);
    cidr("network.spokeAddressSpace", n.spokeAddressSpace, MAX_SPOKE_PREFIX);
  }

  let podCidr: unknown = DEFAULT_POD_CIDR, serviceCidr: unknown = DEFAULT_SERVICE_CIDR, dnsServiceIP: unknown = DEFAULT_DNS_SERVICE_IP;
  if (body.overrides !== undefined) {
    if (!isRecord(body.overrides)) issues.push({ field: "overrides", message: "must be an object" });
    else {
      const o = body.overrides;
      issues.push(...unknown(o, OVERRIDE_KEYS, "overrides."));
      if (o.podCidr !== undefined) podCidr = o.podCidr;
      if (o.serviceCidr !== undefined) serviceCidr = o.serviceCidr;
      if (o.dnsServiceIP !== undefined) dnsServiceIP = o.dnsServiceIP;
      issues.push(...overrideIssues(o, environment, typeof body.location === "string" ? body.location : ""));
    }
  }
  const pods = cidr("overrides.podCidr", podCidr);
  const service = cidr("overrides.serviceCidr", serviceCidr);
  const dns = typeof dnsServiceIP === "string" && dnsServiceIP === dnsServiceIP.trim() ? parseIpv4(dnsServiceIP) : undefined;
  if (dns === undefined) issues.push({ field: "overrides.dnsServiceIP", message: `must be an IPv4 address, got ${JSON.stringify(dnsServiceIP)}` });
  else if (service && (!containsAddress(service, dns) || dns - service.start < 1 || dns === service.end)) {
    issues.push({ field: "overrides.dnsServiceIP", message: `${String(dnsServiceIP)} must be inside the service CIDR ${service.text}, not its network, first or broadcast address` });
  }

  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!, b = ranges[j]!;
      if (overlaps(a.range, b.range)) issues.push({ field: b.field, message: `${b.range.text} overlaps ${a.field} ${a.range.text}` });
    }
    for (const reserved of AKS_RESERVED_RANGES) {
      const r = parseRange(reserved)!;
      if (overlaps(ranges[i]!.range, r)) issues.push({ field: ranges[i]!.field, message: `${ranges[i]!.range.text} overlaps ${reserved}, which AKS reserves` });
    }
  }

  // Node counts against the address space they need, once each count is valid on its own.
  if (ENVIRONMENTS.includes(environment) && !issues.some((i) => /^overrides\.(systemPool|userPool)/.test(i.field))) {
    const o = isRecord(body.overrides) ? body.overrides : {};
    issues.push(...nodeCapacityIssues(environment, { systemPool: poolOf(o.systemPool), userPool: poolOf(o.userPool) }, pods));
  }

  if (body.policy !== undefined) issues.push(...validatePolicy(body.policy, { partial: true, prefix: "policy" }));
  issues.push(...accessIssues(body.access, environment), ...tlsIssues(body.tls, environment));
  if (issues.length > 0 || !name) return { ok: false, issues };
  return { ok: true, value: body as unknown as ProvisionRequest };
}

function poolOf(value: unknown): PoolOverride {
  return isRecord(value) ? value : {};
}

/** How many nodes a surge adds to `nodes`: a percentage of the pool, fractional nodes rounded up, or a count. */
export function surgeNodes(nodes: number, maxSurge: string): number {
  // "If a percentage is specified, it is the percentage of the total agent pool size at the time of
  // the upgrade. For percentages, fractional nodes are rounded up." (AgentPoolUpgradeSettings.maxSurge,
  // https://learn.microsoft.com/javascript/api/@azure/arm-containerservice/agentpoolupgradesettings)
  const percent = /^(\d+)%$/.exec(maxSurge);
  return percent ? Math.ceil((nodes * Number(percent[1])) / 100) : Number(maxSurge) || 0;
}

/**
 * The nodes the pools may reach (autoscaler `maxCount`, or `count` when larger) plus each pool's
 * upgrade surge, against what holds them. With Azure CNI Overlay (the baseline's network plugin)
 * "your subnet needs to be large enough to assign IPs to your nodes", "each node in your cluster
 * is assigned a /24 (256 IP addresses) subnet for pods", and upgrades need room for the surge
 * nodes ("Upgrading and scaling considerations"), all at
 * https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning. The node subnet is
 * the spoke's /22 less the 5 addresses Azure reserves in every subnet.
 */
export function nodeCapacityIssues(environment: Environment, overrides: { systemPool: PoolOverride; userPool: PoolOverride }, podRange: Range | undefined): FieldIssue[] {
  const env = ENVIRONMENT_PROFILES[environment];
  const pools = (["systemPool", "userPool"] as const).map((key) => {
    const merged = { ...(key === "systemPool" ? env.system : env.user), ...overrides[key] };
    const nodes = Math.max(merged.count, merged.maxCount);
    return { key, nodes, surge: surgeNodes(nodes, POOL_MAX_SURGE), fields: [...(overrides[key].count !== undefined ? [`overrides.${key}.count`] : []), ...(overrides[key].maxCount !== undefined ? [`overrides.${key}.maxCount`] : [])] };
  });
  const total = pools.reduce((n, p) => n + p.nodes + p.surge, 0);
  const spelled = pools.map((p) => `${p.key} ${p.nodes} + ${p.surge} surge`).join(", ");
  const fields = pools.flatMap((p) => p.fields);
  const named = fields.length > 0 ? fields : ["overrides.userPool.count"];
  const issues: FieldIssue[] = [];
  const subnetCapacity = 2 ** (32 - NODE_SUBNET_PREFIX) - AZURE_RESERVED_SUBNET_ADDRESSES;
  if (total > subnetCapacity) {
    for (const field of named) issues.push({ field, message: `the pools may need ${total} node addresses (${spelled}, maxSurge ${POOL_MAX_SURGE}), more than the /${NODE_SUBNET_PREFIX} node subnet's ${subnetCapacity}` });
  }
  if (podRange) {
    const podCapacity = podRange.prefix <= OVERLAY_NODE_POD_PREFIX ? 2 ** (OVERLAY_NODE_POD_PREFIX - podRange.prefix) : 0;
    if (total > podCapacity) {
      for (const field of ["overrides.podCidr", ...fields]) {
        issues.push({ field, message: `the pools may reach ${total} nodes (${spelled}); Azure CNI Overlay gives each a /${OVERLAY_NODE_POD_PREFIX} of the pod CIDR ${podRange.text}, which holds ${podCapacity}` });
      }
    }
  }
  return issues;
}

function formatStart(r: Range): string {
  return `${[24, 16, 8, 0].map((s) => (r.start >>> s) & 255).join(".")}/${r.prefix}`;
}

/** Override syntax, and the baseline rules an override may only break in dev. */
function overrideIssues(o: Record<string, unknown>, environment: Environment, location: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const strict = environment === "staging" || environment === "prod";
  if (o.kubernetesVersion !== undefined && (typeof o.kubernetesVersion !== "string" || !/^\d+\.\d+(\.\d+)?$/.test(o.kubernetesVersion))) {
    issues.push({ field: "overrides.kubernetesVersion", message: "must be a version like 1.35 or 1.35.4" });
  }
  const pool = (key: "systemPool" | "userPool", minimum: number, floor: number) => {
    const p = o[key];
    if (p === undefined) return;
    if (!isRecord(p)) { issues.push({ field: `overrides.${key}`, message: "must be an object" }); return; }
    issues.push(...unknown(p, POOL_KEYS, `overrides.${key}.`));
    if (p.vmSize !== undefined && (typeof p.vmSize !== "string" || !/^Standard_[A-Za-z0-9_]+$/.test(p.vmSize) || /^Standard_B/i.test(p.vmSize))) {
      issues.push({ field: `overrides.${key}.vmSize`, message: "must be a Standard_ VM size that is not B-series (V37)" });
    }
    for (const k of ["count", "minCount", "maxCount"]) {
      const v = p[k];
      if (v === undefined) continue;
      if (typeof v !== "number" || !Number.isInteger(v) || v < floor || v > 1000) issues.push({ field: `overrides.${key}.${k}`, message: `must be an integer ${floor}-1000` });
      else if (k !== "maxCount" && strict && v < minimum) {
        issues.push({ field: `overrides.${key}.${k}`, message: `${v} breaks the baseline (${key === "systemPool" ? "three system nodes, ART L431" : "two user nodes, ART L154"}); only dev may go below ${minimum}` });
      }
    }
    const min = typeof p.minCount === "number" ? p.minCount : undefined, max = typeof p.maxCount === "number" ? p.maxCount : undefined, count = typeof p.count === "number" ? p.count : undefined;
    if (min !== undefined && max !== undefined && min > max) issues.push({ field: `overrides.${key}.minCount`, message: "must not exceed maxCount" });
    if (count !== undefined && ((min !== undefined && count < min) || (max !== undefined && count > max))) issues.push({ field: `overrides.${key}.count`, message: "must lie between minCount and maxCount" });
  };
  pool("systemPool", 3, 1);
  pool("userPool", 2, 0);
  if (o.zones !== undefined) {
    if (!Array.isArray(o.zones) || o.zones.length === 0 || o.zones.some((z) => !["1", "2", "3"].includes(z as string)) || new Set(o.zones).size !== o.zones.length) {
      issues.push({ field: "overrides.zones", message: "must be distinct zones among \"1\", \"2\", \"3\"" });
    } else if (strict && o.zones.length < 3) {
      issues.push({ field: "overrides.zones", message: "fewer than three zones breaks the baseline (ART §Availability zones L466-480); only dev may" });
    }
  }
  for (const k of ["privateCluster", "defender"]) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== "boolean") issues.push({ field: `overrides.${k}`, message: "must be true or false" });
    else if (strict && o[k] === false) issues.push({ field: `overrides.${k}`, message: `false breaks the baseline for ${environment} (BASELINE.md §5); only dev may` });
  }
  if (o.skuTier !== undefined) {
    if (!["Free", "Standard", "Premium"].includes(o.skuTier as string)) issues.push({ field: "overrides.skuTier", message: "must be Free, Standard or Premium" });
    else if (environment === "prod" && o.skuTier === "Free") issues.push({ field: "overrides.skuTier", message: "Free breaks the baseline for prod (ART L523: production clusters use Standard)" });
  }
  if (o.budgetAmount !== undefined && (typeof o.budgetAmount !== "number" || !(o.budgetAmount > 0))) issues.push({ field: "overrides.budgetAmount", message: "must be a positive number" });
  if (o.registryReplicaLocation !== undefined) {
    const regions = new Set([...Object.keys(PAIRED_REGIONS), ...Object.values(PAIRED_REGIONS)]);
    if (typeof o.registryReplicaLocation !== "string" || !regions.has(o.registryReplicaLocation)) {
      issues.push({ field: "overrides.registryReplicaLocation", message: `must be one of ${[...regions].sort().join(", ")}` });
    } else if (o.registryReplicaLocation === location) {
      issues.push({ field: "overrides.registryReplicaLocation", message: `must differ from location ${location}: the registry's home region holds its own copy (a replica is for another region)` });
    }
  }
  return issues;
}

/** `gitops`: a repository URL Flux accepts, no credentials in it, a branch and a relative path. */
function gitopsIssues(g: unknown): FieldIssue[] {
  if (!isRecord(g)) return [{ field: "gitops", message: "must be an object: { url, branch?, path? }" }];
  const issues = unknown(g, ["url", "branch", "path"], "gitops.");
  let url: URL | undefined;
  try { url = typeof g.url === "string" ? new URL(g.url) : undefined; } catch { url = undefined; }
  if (typeof g.url !== "string") issues.push({ field: "gitops.url", message: "is required (a string)" });
  else if (!url || !/^(https?|ssh):$/.test(url.protocol) || !url.hostname) {
    issues.push({ field: "gitops.url", message: `must be an http://, https:// or ssh:// URL (Flux's GitRepository url), got ${JSON.stringify(g.url.slice(0, 200))}` });
  } else if (url.password) {
    issues.push({ field: "gitops.url", message: "must not carry a password: give Flux credentials out of band, never in the request" });
  }
  if (g.branch !== undefined && (typeof g.branch !== "string" || !/^[A-Za-z0-9._/-]{1,250}$/.test(g.branch) || g.branch.startsWith("-") || g.branch.includes("..") || g.branch.endsWith("/"))) {
    issues.push({ field: "gitops.branch", message: "must be a Git branch name (letters, digits, '.', '_', '/', '-'; no '..')" });
  }
  if (g.path !== undefined && (typeof g.path !== "string" || g.path.length > 500 || g.path.startsWith("/") || g.path.split("/").includes(".."))) {
    issues.push({ field: "gitops.path", message: "must be a path relative to the repository root, without '..'" });
  }
  return issues;
}

/**
 * `access`: required outside dev (local accounts are off, so without an admin group nobody can use
 * the cluster: BASELINE.md §4 rule 5); object ids are GUIDs (the directory refuses unknown ones
 * when the role assignments are written: PrincipalNotFound).
 */
function accessIssues(access: unknown, environment: Environment): FieldIssue[] {
  const strict = environment === "staging" || environment === "prod";
  if (access === undefined) return strict ? [{ field: "access", message: `is required for ${environment}: { adminGroupObjectIds: [<Entra group object id>] } (local accounts are off; BASELINE.md §4 rule 5)` }] : [];
  if (!isRecord(access)) return [{ field: "access", message: "must be an object: { adminGroupObjectIds, namespaceReaders? }" }];
  const issues = unknown(access, ["adminGroupObjectIds", "namespaceReaders"], "access.");
  const admins = access.adminGroupObjectIds;
  if (!Array.isArray(admins) || admins.length === 0) issues.push({ field: "access.adminGroupObjectIds", message: "must be a non-empty array of Entra group object ids" });
  else admins.forEach((g, i) => { if (typeof g !== "string" || !GUID.test(g)) issues.push({ field: `access.adminGroupObjectIds.${i}`, message: `must be a group object id (a GUID), got ${JSON.stringify(g)}` }); });
  if (access.namespaceReaders !== undefined) {
    if (!Array.isArray(access.namespaceReaders)) issues.push({ field: "access.namespaceReaders", message: "must be an array of { namespace, groupObjectId }" });
    else access.namespaceReaders.forEach((r, i) => {
      const at = `access.namespaceReaders.${i}`;
      if (!isRecord(r)) { issues.push({ field: at, message: "must be { namespace, groupObjectId }" }); return; }
      issues.push(...unknown(r, ["namespace", "groupObjectId"], `${at}.`));
      if (typeof r.namespace !== "string" || !NAMESPACE.test(r.namespace)) issues.push({ field: `${at}.namespace`, message: "must be a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)" });
      if (typeof r.groupObjectId !== "string" || !GUID.test(r.groupObjectId)) issues.push({ field: `${at}.groupObjectId`, message: `must be a group object id (a GUID), got ${JSON.stringify(r.groupObjectId)}` });
    });
  }
  return issues;
}

/** `tls`: required outside dev (dev without it gets a self-signed pair); ARM ids of Key Vault secrets. */
function tlsIssues(tls: unknown, environment: Environment): FieldIssue[] {
  const strict = environment === "staging" || environment === "prod";
  if (tls === undefined) return strict ? [{ field: "tls", message: `is required for ${environment}: { gatewayCertificateSecretId, ingressRootCertificateSecretId } (Key Vault secret resource ids); only dev may use a self-signed pair` }] : [];
  if (!isRecord(tls)) return [{ field: "tls", message: "must be an object: { gatewayCertificateSecretId, ingressRootCertificateSecretId }" }];
  const issues = unknown(tls, ["gatewayCertificateSecretId", "ingressRootCertificateSecretId"], "tls.");
  for (const k of ["gatewayCertificateSecretId", "ingressRootCertificateSecretId"]) {
    const v = tls[k];
    if (typeof v !== "string" || !KEY_VAULT_SECRET_ID.test(v)) issues.push({ field: `tls.${k}`, message: "must be a Key Vault secret resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.KeyVault/vaults/…/secrets/…)" });
  }
  return issues;
}
