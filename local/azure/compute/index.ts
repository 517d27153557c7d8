/**
 * Compute quota as a readiness check sees it, and as AKS enforces it:
 *
 * - `GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}/usages` (Usage_List; the
 *   `az vm list-usage` output in learn.microsoft.com/azure/virtual-machines/quotas, "Check usage"):
 *   `{value: [{unit: "Count", currentValue, limit, name: {value, localizedValue}}]}`: `cores`
 *   ("Total Regional vCPUs") and one entry per VM family in use or with a set limit
 *   (`standardDDSv5Family`, "Standard DDSv5 Family vCPUs"). The AKS nodes of running clusters count
 *   (their vCPUs, surge nodes included while a pool rolls); a stopped cluster's deallocated nodes do not.
 * - Microsoft.Quota (2023-02-01 examples putNetworkOneSkuQuotaRequest…, getComputeOneSkuUsages.json):
 *   `PUT|GET {scope}/providers/Microsoft.Quota/quotas/{resourceName}` with scope
 *   `subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}` sets / reads a limit
 *   (`properties.limit {limitObjectType: "LimitValue", value}`); `GET .../quotas` lists them;
 *   `GET .../usages/{resourceName}` and `.../usages` answer the usage. A limit below the current
 *   usage is refused (QuotaLimitBelowUsage, 400). The PUT completes at once (the example's 200).
 * - AKS refuses a create, scale-up or upgrade (its surge nodes) that would pass a limit (see
 *   checkVcpuQuota). Default limits are those of a large enterprise subscription (10,000 vCPUs a
 *   family, 20,000 a region) so the demo fleet and benchmarks fit; tests lower them through the
 *   Quota API, as an operator would raise them.
 */
import { ArmError, type SimKernel } from "../kernel";
import { AksError } from "../aks/errors";

export const DEFAULT_FAMILY_LIMIT = 10_000;
export const DEFAULT_REGIONAL_LIMIT = 20_000;
const REGIONAL = "cores";
/** Compute's api-versions: the VM ones (usages) and the disk ones (diskEncryptionSets, stored as generic resources). */
export const COMPUTE_API_VERSIONS = ["2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01",
  "2022-07-02", "2023-01-02", "2023-04-02", "2023-10-02", "2024-03-02", "2025-01-02"];
export const QUOTA_API_VERSIONS = ["2023-02-01", "2024-10-15-preview", "2025-03-01", "2025-09-01"];

/** A VM size's family quota name and vCPUs: `Standard_D4ds_v5` → `standardDDSv5Family`, 4. */
export function vmFamily(vmSize: string): { family: string; localized: string; aksName: string; vcpus: number } | undefined {
  const m = /^Standard_([A-Z]+)(\d+)(?:-\d+)?([a-z]*)(?:_v(\d+))?$/i.exec(vmSize.trim());
  if (!m) return undefined;
  const series = (m[1] ?? "").toUpperCase();
  const suffix = (m[3] ?? "").toUpperCase();
  const version = m[4] ? `v${m[4]}` : "";
  // AKS's message spells the family as `StandardDasv7Family` (the suffix in lower case).
  return {
    family: `standard${series}${suffix}${version}Family`, localized: `Standard ${series}${suffix}${version} Family vCPUs`,
    aksName: `Standard${series.charAt(0)}${(series.slice(1) + suffix).toLowerCase()}${version}Family`, vcpus: Number(m[2])
  };
}

interface PoolNeed { vmSize: string; nodes: number }

export interface QuotaService {
  /** vCPUs in use in a location: total and per family. */
  usage(subscriptionId: string, location: string): { total: number; families: Map<string, number> };
  limitOf(subscriptionId: string, location: string, name: string): number;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function key(subscriptionId: string, location: string, name: string): string {
  return `${subscriptionId}/${location}/${name}`.toLowerCase();
}

export function registerCompute(kernel: SimKernel): QuotaService {
  const limits = new Map<string, number>();
  kernel.registerState("computeQuota", {
    save: () => [...limits],
    load: (d) => {
      limits.clear();
      for (const [k, v] of d as [string, number][]) limits.set(k, v);
    }
  });
  kernel.apiVersions.register("Microsoft.Compute", COMPUTE_API_VERSIONS);
  kernel.apiVersions.register("Microsoft.Quota", QUOTA_API_VERSIONS);

  const limitOf = (s: string, loc: string, name: string): number =>
    limits.get(key(s, loc, name)) ?? (name.toLowerCase() === REGIONAL ? DEFAULT_REGIONAL_LIMIT : DEFAULT_FAMILY_LIMIT);

  // Usage without surge nodes, per subscription and location, kept up to date per cluster: a
  // cluster's contribution is recomputed only after a write under it (store.onTouch), so a quota
  // read or an upgrade's quota check does not walk the subscription's clusters (bench:fleet at
  // 5,000 clusters). Surge nodes change without a write while a pool rolls, so they are added on
  // each read from the clusters AKS reports busy (few at a time).
  interface Contribution { scope: string; total: number; families: Map<string, number> }
  interface BaseUsage { total: number; families: Map<string, number>; running: Set<string> }
  const contributions = new Map<string, Contribution>();
  const aggregates = new Map<string, BaseUsage>();
  const dirty = new Set<string>();
  let built = false;
  const CLUSTER_TOP = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/;
  kernel.store.onTouch((top) => {
    if (top === undefined) { built = false; return; }
    if (built && CLUSTER_TOP.test(top)) dirty.add(top);
  });
  const runningPools = (clusterId: string): Record<string, unknown>[] =>
    kernel.store.list({ prefix: clusterId, type: "Microsoft.ContainerService/managedClusters/agentPools" }).filter((pool) => record(record(pool.properties).powerState).code !== "Stopped");
  const aggregateOf = (scope: string): BaseUsage => {
    let a = aggregates.get(scope);
    if (!a) aggregates.set(scope, (a = { total: 0, families: new Map(), running: new Set() }));
    return a;
  };
  const recompute = (clusterKey: string): void => {
    const old = contributions.get(clusterKey);
    if (old) {
      const a = aggregateOf(old.scope);
      a.total -= old.total;
      for (const [f, n] of old.families) a.families.set(f, (a.families.get(f) ?? 0) - n);
      a.running.delete(clusterKey);
      contributions.delete(clusterKey);
    }
    const c = kernel.store.get(clusterKey);
    if (!c || record(record(c.properties).powerState).code === "Stopped") return;
    const sub = /^\/subscriptions\/([^/]+)/i.exec(c.id)?.[1] ?? "";
    const contribution: Contribution = { scope: `${sub}/${String(c.location ?? "")}`.toLowerCase(), total: 0, families: new Map() };
    for (const pool of runningPools(c.id)) {
      for (const x of poolSizes(record(pool.properties))) {
        const fam = vmFamily(x.vmSize);
        if (!fam) continue;
        familyName.set(fam.family.toLowerCase(), fam);
        const n = x.nodes * fam.vcpus;
        contribution.families.set(fam.family.toLowerCase(), (contribution.families.get(fam.family.toLowerCase()) ?? 0) + n);
        contribution.total += n;
      }
    }
    contributions.set(clusterKey, contribution);
    const a = aggregateOf(contribution.scope);
    a.total += contribution.total;
    for (const [f, n] of contribution.families) a.families.set(f, (a.families.get(f) ?? 0) + n);
    a.running.add(clusterKey);
  };
  const baseUsage = (s: string, loc: string): BaseUsage => {
    if (!built) {
      contributions.clear();
      aggregates.clear();
      dirty.clear();
      built = true;
      for (const c of kernel.store.list({ type: "Microsoft.ContainerService/managedClusters" })) recompute(c.id.toLowerCase());
    }
    for (const k of dirty) recompute(k);
    dirty.clear();
    return aggregateOf(`${s}/${loc}`.toLowerCase());
  };
  const usage = (s: string, loc: string): { total: number; families: Map<string, number> } => {
    const base = baseUsage(s, loc);
    const families = new Map(base.families);
    let total = base.total;
    const aks = kernel.service<{ getPoolHealth(c: string, p: string): { surgeNodes: number } | undefined; busyClusterIds(): Set<string> }>("aks");
    for (const clusterId of aks?.busyClusterIds() ?? []) {
      if (!base.running.has(clusterId)) continue;
      for (const pool of runningPools(clusterId)) {
        const surge = aks?.getPoolHealth(clusterId, String(pool.name))?.surgeNodes ?? 0;
        const fam = vmFamily(poolSizes(record(pool.properties))[0]?.vmSize ?? "");
        if (!fam || surge === 0) continue;
        families.set(fam.family.toLowerCase(), (families.get(fam.family.toLowerCase()) ?? 0) + surge * fam.vcpus);
        total += surge * fam.vcpus;
      }
    }
    return { total, families };
  };

  const familyName = new Map<string, { family: string; localized: string }>();
  const usageEntries = (s: string, loc: string): Record<string, unknown>[] => {
    const u = usage(s, loc);
    const names = new Set<string>([...u.families.keys()]);
    for (const k of limits.keys()) {
      const [sub, l, n] = k.split("/");
      if (sub === s.toLowerCase() && l === loc.toLowerCase() && n && n !== REGIONAL) names.add(n);
    }
    const entries: Record<string, unknown>[] = [{ unit: "Count", currentValue: u.total, limit: limitOf(s, loc, REGIONAL), name: { value: REGIONAL, localizedValue: "Total Regional vCPUs" } }];
    for (const n of [...names].sort()) {
      const label = familyName.get(n) ?? { family: n, localized: `${n} vCPUs` };
      entries.push({ unit: "Count", currentValue: u.families.get(n) ?? 0, limit: limitOf(s, loc, n), name: { value: label.family, localizedValue: label.localized } });
    }
    return entries;
  };
  // Families seen in stored pools keep their display names (for a restored state too): building or
  // refreshing the usage index records each pool's family in `familyName`.
  const learn = (s: string, loc: string): void => { baseUsage(s, loc); };

  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/usages", (req, p) => {
    learn(p.subscriptionId ?? "", p.location ?? "");
    return kernel.page(req, usageEntries(p.subscriptionId ?? "", p.location ?? ""));
  }, { operation: "Usage_List", kind: "read" });

  const scope = "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/providers/Microsoft.Quota";
  const quotaBody = (s: string, loc: string, name: string) => {
    const label = familyName.get(name.toLowerCase()) ?? (name.toLowerCase() === REGIONAL ? { family: REGIONAL, localized: "Total Regional vCPUs" } : { family: name, localized: `${name} vCPUs` });
    return {
      id: `/subscriptions/${s}/providers/Microsoft.Compute/locations/${loc}/providers/Microsoft.Quota/quotas/${label.family}`,
      type: "Microsoft.Quota/Quotas", name: label.family,
      properties: { limit: { limitObjectType: "LimitValue", value: limitOf(s, loc, name) }, unit: "Count", name: { value: label.family, localizedValue: label.localized }, isQuotaApplicable: true }
    };
  };
  const usageBody = (s: string, loc: string, name: string) => {
    const u = usage(s, loc);
    const label = familyName.get(name.toLowerCase()) ?? { family: name, localized: `${name} vCPUs` };
    return {
      id: `/subscriptions/${s}/providers/Microsoft.Compute/locations/${loc}/providers/Microsoft.Quota/usages/${label.family}`,
      type: "Microsoft.Quota/Usages", name: label.family,
      properties: { usages: { usagesType: "Individual", value: name.toLowerCase() === REGIONAL ? u.total : u.families.get(name.toLowerCase()) ?? 0 }, unit: "Count", name: { value: label.family, localizedValue: label.localized }, isQuotaApplicable: true }
    };
  };
  const known = (name: string): boolean => name.toLowerCase() === REGIONAL || /^standard[A-Z0-9]+Family$/i.test(name);
  kernel.router.arm("GET", `${scope}/quotas/{resourceName}`, (_req, p) => {
    learn(p.subscriptionId ?? "", p.location ?? "");
    const name = p.resourceName ?? "";
    if (!known(name)) throw new ArmError(404, "ResourceNotFound", `The quota resource '${name}' was not found for the scope.`);
    return { status: 200, body: quotaBody(p.subscriptionId ?? "", p.location ?? "", name) };
  }, { operation: "Quota_Get", kind: "read" });
  kernel.router.arm("GET", `${scope}/quotas`, (req, p) => {
    learn(p.subscriptionId ?? "", p.location ?? "");
    const s = p.subscriptionId ?? "";
    const loc = p.location ?? "";
    return kernel.page(req, usageEntries(s, loc).map((e) => quotaBody(s, loc, String(record(e.name).value))));
  }, { operation: "Quota_List", kind: "read" });
  kernel.router.arm("PUT", `${scope}/quotas/{resourceName}`, (req, p) => {
    learn(p.subscriptionId ?? "", p.location ?? "");
    const s = p.subscriptionId ?? "";
    const loc = p.location ?? "";
    const name = p.resourceName ?? "";
    const props = record(record(req.body).properties);
    const limit = record(props.limit);
    const invalid: string[] = [];
    if (!known(name)) invalid.push(`resourceName '${name}' (cores or a VM family such as standardDDSv5Family)`);
    if (limit.limitObjectType !== undefined && limit.limitObjectType !== "LimitValue") invalid.push("properties.limit.limitObjectType (LimitValue)");
    if (typeof limit.value !== "number" || !Number.isInteger(limit.value) || limit.value < 0) invalid.push("properties.limit.value (a whole number of vCPUs)");
    if (invalid.length > 0) throw new ArmError(400, "InvalidQuotaRequest", `The quota request is invalid: ${invalid.join("; ")}.`);
    const value = limit.value as number;
    const u = usage(s, loc);
    const used = name.toLowerCase() === REGIONAL ? u.total : u.families.get(name.toLowerCase()) ?? 0;
    if (value < used) throw new ArmError(400, "QuotaLimitBelowUsage", `The requested limit ${value} for ${name} in ${loc} is below the current usage ${used}.`);
    limits.set(key(s, loc, name), value);
    return { status: 200, body: quotaBody(s, loc, name) };
  }, { operation: "Quota_CreateOrUpdate", kind: "write" });
  kernel.router.arm("GET", `${scope}/usages/{resourceName}`, (_req, p) => {
    learn(p.subscriptionId ?? "", p.location ?? "");
    const name = p.resourceName ?? "";
    if (!known(name)) throw new ArmError(404, "ResourceNotFound", `The usage resource '${name}' was not found for the scope.`);
    return { status: 200, body: usageBody(p.subscriptionId ?? "", p.location ?? "", name) };
  }, { operation: "Usages_Get", kind: "read" });
  kernel.router.arm("GET", `${scope}/usages`, (req, p) => {
    learn(p.subscriptionId ?? "", p.location ?? "");
    const s = p.subscriptionId ?? "";
    const loc = p.location ?? "";
    return kernel.page(req, usageEntries(s, loc).map((e) => usageBody(s, loc, String(record(e.name).value))));
  }, { operation: "Usages_List", kind: "read" });

  const service: QuotaService = { usage, limitOf };
  kernel.provide("quota", service);
  return service;
}

/** A pool's node sizes and counts (VirtualMachines pools can mix sizes). */
function poolSizes(p: Record<string, unknown>): PoolNeed[] {
  const status = Array.isArray(p.virtualMachineNodesStatus) ? (p.virtualMachineNodesStatus as unknown[]).map(record) : [];
  if (p.type === "VirtualMachines" && status.length > 0) return status.map((x) => ({ vmSize: typeof x.size === "string" ? x.size : "", nodes: typeof x.count === "number" ? x.count : 0 }));
  return [{ vmSize: typeof p.vmSize === "string" ? p.vmSize : "Standard_D2s_v5", nodes: typeof p.count === "number" ? p.count : 0 }];
}

/**
 * AKS's vCPU quota check before it adds nodes: `additional` nodes of each size. The family first
 * ("Insufficient vcpu quota requested 2, remaining 0 for family StandardDasv7Family for region eastus.
 * Surge nodes would also consume vcpu quota.", code ErrCode_InsufficientVCPUQuota, reported in
 * 1ChristianAlex/motordesk#14), then the region's total ("Operation could not be completed as it
 * results in exceeding approved Total Regional Cores quota. … Location: …, Current Limit: …, Current
 * Usage: …, Additional Required: …, (Minimum) New Limit Required: …", Azure/Mission-Critical-Online#251
 * and cloud-barista/cb-spider#1558, code QuotaExceeded as Compute names it, salaxander/kubernetes-the-hard-way#14).
 */
export function checkVcpuQuota(kernel: SimKernel, subscriptionId: string, location: string, clusterName: string, resourceGroup: string, additional: PoolNeed[]): void {
  const quota = kernel.service<QuotaService>("quota");
  if (!quota) return;
  const need = new Map<string, { family: string; vcpus: number }>();
  let total = 0;
  for (const a of additional) {
    const fam = vmFamily(a.vmSize);
    if (!fam || a.nodes <= 0) continue;
    const cur = need.get(fam.family.toLowerCase()) ?? { family: fam.aksName, vcpus: 0 };
    cur.vcpus += a.nodes * fam.vcpus;
    need.set(fam.family.toLowerCase(), cur);
    total += a.nodes * fam.vcpus;
  }
  if (total === 0) return;
  const u = quota.usage(subscriptionId, location);
  for (const [k, n] of need) {
    const remaining = Math.max(0, quota.limitOf(subscriptionId, location, k) - (u.families.get(k) ?? 0));
    if (n.vcpus > remaining) {
      throw new AksError(400, "ErrCode_InsufficientVCPUQuota",
        `Insufficient vcpu quota requested ${n.vcpus}, remaining ${remaining} for family ${n.family} for region ${location}. Surge nodes would also consume vcpu quota.`);
    }
  }
  const limit = quota.limitOf(subscriptionId, location, REGIONAL);
  if (u.total + total > limit) {
    throw new AksError(400, "QuotaExceeded",
      `Provisioning of resource(s) for container service ${clusterName} in resource group ${resourceGroup} failed. Message: Operation could not be completed as it results in exceeding approved Total Regional Cores quota. ` +
      `Additional details - Deployment Model: Resource Manager, Location: ${location}, Current Limit: ${limit}, Current Usage: ${u.total}, Additional Required: ${total}, (Minimum) New Limit Required: ${u.total + total}.`);
  }
}

/**
 * `GET .../virtualNetworks/{vnet}/usages` (VirtualNetworks_ListUsage, VirtualNetworkListUsage.json):
 * one entry per subnet, `{currentValue, id: <subnet id>, limit, name: {value, localizedValue:
 * "Subnet size and usage"}, unit: "Count"}`. The limit is the subnet's addresses less the five Azure
 * reserves in every subnet (learn.microsoft.com/azure/virtual-network/virtual-networks-faq, "Are there
 * any restrictions on using IP addresses within these subnets?"). Used: one address per IP
 * configuration that names the subnet (private endpoints, firewall, gateways, bastion…), and for
 * AKS one per node (surge nodes included) plus, with Azure CNI without overlay, `maxPods` more per
 * node in the node subnet or in the pod subnet (learn.microsoft.com/azure/aks/azure-cni-overview:
 * "IP addresses for the pods and the cluster's nodes are assigned from the specified subnet").
 */
export function registerVnetUsages(kernel: SimKernel): void {
  kernel.router.arm("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{vnet}/usages", (req, p) => {
    const vnetId = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.Network/virtualNetworks/${p.vnet}`;
    const vnet = kernel.store.get(vnetId);
    if (!vnet) throw new ArmError(404, "ResourceNotFound", `The Resource 'Microsoft.Network/virtualNetworks/${p.vnet}' under resource group '${p.resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    const subnets = (Array.isArray(record(vnet.properties).subnets) ? record(vnet.properties).subnets as unknown[] : []).map(record);
    const used = ipsUsed(kernel);
    return kernel.page(req, subnets.map((sn) => {
      const id = `${vnet.id}/subnets/${typeof sn.name === "string" ? sn.name : ""}`;
      const sp = record(sn.properties);
      const prefixes = [sp.addressPrefix, ...(Array.isArray(sp.addressPrefixes) ? sp.addressPrefixes as unknown[] : [])].filter((x): x is string => typeof x === "string");
      const limit = prefixes.reduce((n, c) => n + Math.max(0, 2 ** (32 - Number(c.split("/")[1] ?? 32)) - 5), 0);
      return { currentValue: used.get(id.toLowerCase()) ?? 0, id, limit, name: { localizedValue: "Subnet size and usage", value: "Subnet size and usage" }, unit: "Count" };
    }));
  }, { operation: "VirtualNetworks_ListUsage", kind: "read" });
}

/** Addresses in use per subnet id (lower case). */
function ipsUsed(kernel: SimKernel): Map<string, number> {
  const used = new Map<string, number>();
  const add = (subnetId: string, n: number) => used.set(subnetId.toLowerCase(), (used.get(subnetId.toLowerCase()) ?? 0) + n);
  const aks = kernel.service<{ getPoolHealth(c: string, p: string): { surgeNodes: number } | undefined }>("aks");
  const skip = /^Microsoft\.(Network\/virtualNetworks(\/subnets)?|ContainerService\/managedClusters(\/agentPools)?)$/i;
  // Every `subnet: {id}` reference inside another resource is one IP configuration.
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (typeof v !== "object" || v === null) return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === "subnet" && typeof record(x).id === "string") add(String(record(x).id), 1);
      else walk(x);
    }
  };
  for (const r of kernel.store.list()) {
    if (skip.test(r.type)) continue;
    walk(r.properties);
  }
  for (const c of kernel.store.list({ type: "Microsoft.ContainerService/managedClusters" })) {
    const np = record(record(c.properties).networkProfile);
    const flatCni = np.networkPlugin === "azure" && (typeof np.networkPluginMode === "string" ? np.networkPluginMode : "").toLowerCase() !== "overlay";
    for (const pool of kernel.store.list({ prefix: c.id, type: "Microsoft.ContainerService/managedClusters/agentPools" })) {
      const pp = record(pool.properties);
      const nodeSubnet = typeof pp.vnetSubnetID === "string" ? pp.vnetSubnetID : undefined;
      if (!nodeSubnet) continue;
      const nodes = (typeof pp.count === "number" ? pp.count : 0) + (aks?.getPoolHealth(c.id, pool.name)?.surgeNodes ?? 0);
      const maxPods = typeof pp.maxPods === "number" ? pp.maxPods : 30;
      add(nodeSubnet, nodes);
      if (typeof pp.podSubnetID === "string" && pp.podSubnetID) add(pp.podSubnetID, nodes * maxPods);
      else if (flatCni) add(nodeSubnet, nodes * maxPods);
    }
  }
  return used;
}
