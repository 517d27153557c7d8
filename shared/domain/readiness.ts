/**
 * Upgrade readiness (issue 30): can a Kubernetes upgrade of this cluster to this target work now?
 * Judged from what ARM says (the cluster, the region's versions, Compute usages, the node subnets'
 * VNet usages) and what AKS already answered the platform (a deprecated-API block on a past
 * attempt). Pure: the reads are the activity's (orchestrations/kubernetesUpgrade/activities/readiness.ts).
 * Each check answers `pass` / `warn` / `fail` with numbers as evidence.
 */
import { compareKubernetesVersions, isKubernetesVersion, minorKey, parseKubernetesVersion } from "./kubernetesVersion";
import { catalogLine, type KubernetesCatalog, type KubernetesSupportPlan } from "./kubernetesCatalog";
import { planKubernetesUpgrade } from "./upgradePlan";

export type ReadinessStatus = "pass" | "warn" | "fail";
export type ReadinessCheckId = "cluster-state" | "target-version" | "vcpu-quota" | "subnet-addresses" | "deprecated-apis" | "node-image-age";

export interface ReadinessCheck {
  id: ReadinessCheckId;
  status: ReadinessStatus;
  evidence: string;
}

export interface ReadinessReport {
  clusterId: string;
  targetVersion: string;
  checks: ReadinessCheck[];
}

/** The parts of a managed cluster (SDK, flattened) readiness reads. */
export interface ReadinessCluster {
  provisioningState?: string;
  powerState?: { code?: string };
  currentKubernetesVersion?: string;
  kubernetesVersion?: string;
  networkProfile?: { networkPlugin?: string; networkPluginMode?: string };
  agentPoolProfiles?: ReadinessPool[];
}

export interface ReadinessPool {
  name?: string;
  mode?: string;
  count?: number;
  vmSize?: string;
  maxPods?: number;
  vnetSubnetID?: string;
  podSubnetID?: string;
  orchestratorVersion?: string;
  currentOrchestratorVersion?: string;
  upgradeSettings?: { maxSurge?: string };
  powerState?: { code?: string };
  nodeImageVersion?: string;
}

/** One entry of `Microsoft.Compute/locations/{loc}/usages` (Usage_List). */
export interface ComputeUsage {
  currentValue?: number;
  limit?: number;
  name?: { value?: string; localizedValue?: string };
}

/** One entry of `virtualNetworks/{vnet}/usages` (VirtualNetworks_ListUsage): `id` is the subnet's. */
export interface SubnetUsage {
  id?: string;
  currentValue?: number;
  limit?: number;
}

/** A deprecated-API block AKS answered on an earlier attempt (from the platform's operation records). */
export interface RecordedApiBlock {
  operationId: string;
  target: string;
  at: string;
  message: string;
}

export interface ReadinessInput {
  clusterId: string;
  target: string;
  cluster: ReadinessCluster;
  catalog: KubernetesCatalog;
  allowPreview: boolean;
  supportPlan?: KubernetesSupportPlan;
  /** Undefined when the reads were not made (no pool to surge). */
  computeUsages?: ComputeUsage[];
  /** Per node subnet id (lower case): its usage entry, or undefined when its VNet does not list it. */
  subnetUsages: Map<string, SubnetUsage | undefined>;
  apiBlocks: RecordedApiBlock[];
  /** The activity's time (ISO): the node images' age is judged against it; absent, that check is left out. */
  now?: string;
}

/**
 * A VM size's quota family and vCPUs from its name, per Azure's VM naming convention
 * (learn.microsoft.com/azure/virtual-machines/vm-naming-conventions: family, sub-family, vCPUs,
 * constrained vCPUs, additive features, version): `Standard_D4ds_v5` → `standardDDSv5Family`, 4.
 * The family quota names are those Usage_List answers (`standardDDSv5Family`, `standardDSv3Family`,
 * matched case-insensitively). A constrained size (`Standard_E16-4as_v5`) counts its parent's vCPUs, the
 * conservative count (it is the parent size with vCPUs turned off: learn.microsoft.com/azure/virtual-machines/constrained-vcpu).
 */
export function vmSizeQuota(vmSize: string): { family: string; vcpus: number } | undefined {
  const m = /^Standard_([A-Z]+)(\d+)(?:-\d+)?([a-z]*)(?:_v(\d+))?$/i.exec(vmSize.trim());
  if (!m) return undefined;
  const version = m[4] ? `v${m[4]}` : "";
  return { family: `standard${(m[1] ?? "").toUpperCase()}${(m[3] ?? "").toUpperCase()}${version}Family`, vcpus: Number(m[2]) };
}

/**
 * Nodes a pool adds while it upgrades: `maxSurge` as a count or a percentage of the pool, rounded up;
 * unset means 10% (the SDK's `AgentPoolUpgradeSettings.maxSurge` documentation: "If not specified, the
 * default is 10%"; "fractional nodes are rounded up"). At least one node, at most the pool.
 */
export function surgeNodes(pool: Pick<ReadinessPool, "count" | "upgradeSettings">): number {
  const count = Math.max(0, pool.count ?? 0);
  const raw = (pool.upgradeSettings?.maxSurge ?? "").trim() || "10%";
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(raw);
  const n = pct ? Math.ceil((count * Number(pct[1])) / 100) : Number.parseInt(raw, 10);
  return Math.max(1, Math.min(Number.isFinite(n) ? n : 1, Math.max(1, count)));
}

/**
 * Subnet addresses a surge node takes: its own, plus `maxPods` when pods take addresses of the node
 * subnet (Azure CNI without overlay and without a pod subnet). AKS "IP address planning"
 * (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning): Azure CNI needs
 * "(nodes + surge) + ((nodes + surge) × max pods)"; kubenet and CNI Overlay one address a node.
 */
export function addressesPerNode(cluster: ReadinessCluster, pool: ReadinessPool): number {
  const plugin = (cluster.networkProfile?.networkPlugin ?? "").toLowerCase();
  const overlay = (cluster.networkProfile?.networkPluginMode ?? "").toLowerCase() === "overlay";
  return plugin === "azure" && !overlay && !pool.podSubnetID ? 1 + (pool.maxPods ?? 30) : 1;
}

/** The running pools (a stopped pool is not upgraded with its nodes up). */
export function runningPools(cluster: ReadinessCluster): ReadinessPool[] {
  return (cluster.agentPoolProfiles ?? []).filter((p) => (p.powerState?.code ?? "Running") !== "Stopped");
}

function lower(s: string | undefined): string {
  return (s ?? "").toLowerCase();
}

function leaf(id: string): string {
  const parts = id.split("/");
  return `${parts[parts.length - 3] ?? "?"}/${parts[parts.length - 1] ?? "?"}`;
}

/** AKS provisioning states of an operation still running on the cluster. */
const IN_PROGRESS = new Set(["creating", "updating", "upgrading", "upgradingnodeimageversion", "scaling", "starting", "canceling", "reconciling", "migrating"]);

function checkClusterState(c: ReadinessCluster): ReadinessCheck {
  const state = c.provisioningState ?? "unknown";
  const power = c.powerState?.code ?? "unknown";
  // AKS refuses to upgrade a stopped cluster ("Upgrading a stopped cluster is not allowed"), and one
  // whose last operation did not succeed must be reconciled first (aka.ms/aks-pending-operation).
  const ok = state === "Succeeded" && power === "Running";
  // An operation still running on a running cluster (Updating, Upgrading...) is not a reason to
  // stop: the upgrade's steps wait for it (AKS answers 409 OperationNotAllowed meanwhile, which the
  // engine backs off on). A warning, so the card says so.
  if (!ok && power === "Running" && IN_PROGRESS.has(state.toLowerCase())) {
    return { id: "cluster-state", status: "warn", evidence: `provisioningState ${state}, powerState ${power} (an operation is in progress: the upgrade's first step waits for it)` };
  }
  return { id: "cluster-state", status: ok ? "pass" : "fail", evidence: `provisioningState ${state}, powerState ${power}${ok ? "" : " (an upgrade needs Succeeded and Running)"}` };
}

function checkTarget(input: ReadinessInput, current: string): ReadinessCheck {
  const { target, catalog } = input;
  const minor = minorKey(parseKubernetesVersion(target));
  const line = catalogLine(catalog, minor);
  const offered = Object.keys(line?.patchVersions ?? {});
  if (!line || !offered.includes(target)) {
    return { id: "target-version", status: "fail", evidence: `${target} is not offered in the region (${minor} patches listed: ${offered.length ? offered.join(", ") : "none"})` };
  }
  if (compareKubernetesVersions(target, current) <= 0) {
    return { id: "target-version", status: "pass", evidence: `the control plane already runs ${current} (target ${target}); nothing to upgrade` };
  }
  try {
    const pools = (input.cluster.agentPoolProfiles ?? []).map((p) => ({ name: p.name ?? "", mode: p.mode ?? "User", version: p.currentOrchestratorVersion ?? p.orchestratorVersion ?? current }));
    const plan = planKubernetesUpgrade({ current: { controlPlane: current, pools }, target, catalog, policy: { allowPreview: input.allowPreview, ...(input.supportPlan ? { supportPlan: input.supportPlan } : {}) } });
    return { id: "target-version", status: line.isPreview ? "warn" : "pass", evidence: `${target} is offered in the region${line.isPreview ? " as a preview" : ""}; ${current} → ${target} in ${plan.steps.length} step(s)` };
  } catch (err) {
    return { id: "target-version", status: "fail", evidence: `${current} → ${target} cannot be planned: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * The platform upgrades pools one at a time (one step each), so a family must have room for the
 * largest surge among its pools; the region's total ("cores") likewise.
 */
function checkVcpu(input: Pick<ReadinessInput, "cluster" | "computeUsages">): ReadinessCheck {
  const pools = runningPools(input.cluster);
  if (pools.length === 0) return { id: "vcpu-quota", status: "pass", evidence: "no running pool surges" };
  const usages = input.computeUsages ?? [];
  const byName = new Map(usages.map((u) => [lower(u.name?.value), u]));
  const needs = new Map<string, { family: string; vcpus: number; pool: string; nodes: number; size: number }>();
  const unknown: string[] = [];
  let regional = 0;
  for (const p of pools) {
    const q = vmSizeQuota(p.vmSize ?? "");
    if (!q) { unknown.push(`${p.name ?? "?"} (${p.vmSize ?? "no vmSize"})`); continue; }
    const nodes = surgeNodes(p);
    const need = nodes * q.vcpus;
    regional = Math.max(regional, need);
    const prior = needs.get(lower(q.family));
    if (!prior || prior.vcpus < need) needs.set(lower(q.family), { family: q.family, vcpus: need, pool: p.name ?? "?", nodes, size: q.vcpus });
  }
  const fails: string[] = [];
  const passes: string[] = [];
  const warns: string[] = unknown.map((u) => `pool ${u}: VM size not understood, its surge is not counted`);
  for (const n of needs.values()) {
    const u = byName.get(lower(n.family));
    const what = `surge needs ${n.vcpus} vCPU of ${n.family} (pool ${n.pool}: ${n.nodes} node(s) × ${n.size} vCPU)`;
    if (!u || u.limit === undefined || u.currentValue === undefined) { warns.push(`${what}; the region's usages do not list the family`); continue; }
    const free = u.limit - u.currentValue;
    (n.vcpus > free ? fails : passes).push(`${what}, ${free} free (limit ${u.limit}, used ${u.currentValue})`);
  }
  const cores = byName.get("cores");
  if (cores && cores.limit !== undefined && cores.currentValue !== undefined) {
    const free = cores.limit - cores.currentValue;
    (regional > free ? fails : passes).push(`regional vCPUs: surge needs up to ${regional}, ${free} free (limit ${cores.limit}, used ${cores.currentValue})`);
  }
  const status: ReadinessStatus = fails.length ? "fail" : warns.length ? "warn" : "pass";
  return { id: "vcpu-quota", status, evidence: [...fails, ...warns, ...passes].join("; ") };
}

function checkSubnets(input: Pick<ReadinessInput, "cluster" | "subnetUsages">): ReadinessCheck {
  const pools = runningPools(input.cluster);
  const bySubnet = new Map<string, { id: string; need: number; pool: string; nodes: number; each: number }>();
  for (const p of pools) {
    if (!p.vnetSubnetID) continue;
    const nodes = surgeNodes(p);
    const each = addressesPerNode(input.cluster, p);
    const need = nodes * each;
    const prior = bySubnet.get(lower(p.vnetSubnetID));
    if (!prior || prior.need < need) bySubnet.set(lower(p.vnetSubnetID), { id: p.vnetSubnetID, need, pool: p.name ?? "?", nodes, each });
  }
  if (bySubnet.size === 0) return { id: "subnet-addresses", status: "pass", evidence: "no pool names a subnet (AKS's managed VNet)" };
  const fails: string[] = [];
  const warns: string[] = [];
  const passes: string[] = [];
  for (const [key, n] of bySubnet) {
    const u = input.subnetUsages.get(key);
    const what = `subnet ${leaf(n.id)}: surge needs ${n.need} address(es) (pool ${n.pool}: ${n.nodes} node(s) × ${n.each})`;
    if (!u || u.limit === undefined || u.currentValue === undefined) { warns.push(`${what}; its VNet's usages do not list it`); continue; }
    const free = u.limit - u.currentValue;
    (n.need > free ? fails : passes).push(`${what}, ${free} free (${u.limit} usable, ${u.currentValue} used)`);
  }
  const status: ReadinessStatus = fails.length ? "fail" : warns.length ? "warn" : "pass";
  return { id: "subnet-addresses", status, evidence: [...fails, ...warns, ...passes].join("; ") };
}

/**
 * AKS reveals deprecated-API usage only when a control-plane minor upgrade is attempted (400
 * `ValidationError`, subcode `UpgradeBlockedOnDeprecatedAPIUsage`, usage of the last 12 hours;
 * learn.microsoft.com/azure/aks/stop-cluster-upgrade-api-breaking-changes): neither ARM nor the
 * upgrade profile lists it beforehand. So the check reads the blocks the platform recorded: one for
 * a minor the target reaches is a `warn` (the usage may have been migrated since; AKS re-checks the
 * last 12 hours on the next attempt) naming the APIs AKS named.
 */
function checkDeprecatedApis(input: ReadinessInput, current: string): ReadinessCheck {
  const t = parseKubernetesVersion(input.target);
  const c = parseKubernetesVersion(current);
  const relevant = input.apiBlocks.filter((b) => {
    if (!isKubernetesVersion(b.target)) return false;
    const bt = parseKubernetesVersion(b.target);
    return bt.major === t.major && bt.minor > c.minor && bt.minor <= t.minor;
  }).sort((a, b) => b.at.localeCompare(a.at));
  const newest = relevant[0];
  if (!newest) {
    return { id: "deprecated-apis", status: "pass", evidence: "no deprecated-API block recorded for this upgrade (AKS reveals the usage of the last 12 hours only when the upgrade is attempted)" };
  }
  const apis = [...newest.message.matchAll(/usage has been detected on API (\S+?),? and was recently seen at: (.+?), which will be removed in (\S+)/g)]
    .map((m) => `${m[1] ?? "?"} (removed in ${m[3] ?? "?"}, last seen ${m[2] ?? "?"})`);
  return {
    id: "deprecated-apis", status: "warn",
    evidence: `AKS blocked the upgrade to ${newest.target} at ${newest.at} (operation ${newest.operationId}, UpgradeBlockedOnDeprecatedAPIUsage): ${apis.length ? apis.join("; ") : newest.message.slice(0, 300)}`
  };
}

/** AKS's node names (`aks-<pool>-<8 digits>-vmss<instance>`). */
const AKS_NODE = /\baks-[a-z][a-z0-9]{0,11}-\d{8}-vmss[0-9a-z]+\b/g;

/**
 * The nodes a pool upgrade left cordoned under `undrainableNodeBehavior: Cordon`, from the error AKS
 * ended the operation with: AKS labels them `kubernetes.azure.com/upgrade-status: Quarantined` and
 * ends the upgrade Failed although the roll went on past them (REST spec, UndrainableNodeBehavior
 * `Cordon`; Azure/AKS#3516). Empty for any other failure (a Schedule drain timeout names a node too,
 * but does not quarantine it).
 */
export function quarantinedNodesOf(error: { code?: string; message?: string } | undefined): string[] {
  const message = error?.message ?? "";
  if (!/upgrade-status[=:] ?Quarantined/i.test(message) || error?.code === "UpgradeCanceled") return [];
  return [...new Set(message.match(AKS_NODE) ?? [])];
}

/** Whether an ARM error AKS answered is its deprecated-API upgrade block. */
export function isDeprecatedApiBlock(error: { code?: string; message?: string } | undefined): boolean {
  if (!error) return false;
  return error.code === "UpgradeBlockedOnDeprecatedAPIUsage" || /UpgradeBlockedOnDeprecatedAPIUsage|blocked due to recent usage of a Kubernetes API deprecated/.test(error.message ?? "");
}

/** The checks that stop an operation before its approval card (`Blocked`). */
export function failingChecks(report: Pick<ReadinessReport, "checks"> | undefined): ReadinessCheck[] {
  return (report?.checks ?? []).filter((c) => c.status === "fail");
}

/** How a `Blocked` record names the failing checks: `vcpu-quota: surge needs … ; subnet-addresses: …`. */
export function blockedReason(failing: readonly ReadinessCheck[]): string {
  return failing.map((c) => `${c.id}: ${c.evidence}`).join(" | ");
}

/** Days a node image stays supported after its release (see `checkNodeImageAge`). */
export const NODE_IMAGE_SUPPORT_DAYS = 90;

/**
 * A node image's release date from its version, as AKS formats them by date ("Versions are formatted
 * by date (for example, 202311.07.0) for Linux and by Windows Server OS build and date (for example,
 * 20348.2113.231115) for Windows": learn.microsoft.com/azure/architecture/operator-guides/aks/aks-upgrade-practices).
 */
export function nodeImageReleaseDate(version: string | undefined): Date | undefined {
  const v = (version ?? "").trim();
  const linux = /(?:^|-)(\d{4})(\d{2})\.(\d{2})\.\d+$/.exec(v);
  const windows = linux ? undefined : /\d{5}\.\d+\.(\d{2})(\d{2})(\d{2})$/.exec(v);
  const [y, m, d] = linux ? [Number(linux[1]), Number(linux[2]), Number(linux[3])] : windows ? [2000 + Number(windows[1]), Number(windows[2]), Number(windows[3])] : [NaN, NaN, NaN];
  if (!Number.isFinite(y) || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  return new Date(Date.UTC(y, m - 1, d));
}

/**
 * Each running pool's node image against the 90-day window (AKS's node auto-provisioning "forces
 * the latest image version to be picked up if the existing node image version is older than 90
 * days": learn.microsoft.com/azure/aks/node-auto-provisioning-upgrade-image). Past it is a `warn`,
 * never a `fail`: an upgrade (Kubernetes or node image) is what brings a pool back inside it.
 */
function checkNodeImageAge(c: ReadinessCluster, now: string): ReadinessCheck {
  const at = Date.parse(now);
  const old: string[] = [];
  const unknown: string[] = [];
  let oldest: { pool: string; days: number; version: string } | undefined;
  for (const p of runningPools(c)) {
    const released = nodeImageReleaseDate(p.nodeImageVersion);
    if (!released) { unknown.push(`${p.name ?? "?"} (${p.nodeImageVersion ?? "no nodeImageVersion"})`); continue; }
    const days = Math.floor((at - released.getTime()) / 86_400_000);
    if (days > NODE_IMAGE_SUPPORT_DAYS) old.push(`pool ${p.name ?? "?"}: ${p.nodeImageVersion ?? "?"} is ${days} days old`);
    if (!oldest || days > oldest.days) oldest = { pool: p.name ?? "?", days, version: p.nodeImageVersion ?? "?" };
  }
  const notes = [...old, ...unknown.map((u) => `pool ${u}: release date not readable from the version`)];
  if (notes.length > 0) return { id: "node-image-age", status: "warn", evidence: `${notes.join("; ")} (support window ${NODE_IMAGE_SUPPORT_DAYS} days)` };
  if (!oldest) return { id: "node-image-age", status: "pass", evidence: "no running pool" };
  return { id: "node-image-age", status: "pass", evidence: `oldest node image ${oldest.version} (pool ${oldest.pool}) is ${oldest.days} days old, within the ${NODE_IMAGE_SUPPORT_DAYS}-day window` };
}

export function evaluateReadiness(input: ReadinessInput): ReadinessReport {
  const c = input.cluster;
  const current = c.currentKubernetesVersion ?? c.kubernetesVersion ?? "";
  const checks: ReadinessCheck[] = [checkClusterState(c), checkTarget(input, current), checkVcpu(input), checkSubnets(input)];
  if (isKubernetesVersion(current)) checks.push(checkDeprecatedApis(input, current));
  if (input.now) checks.push(checkNodeImageAge(c, input.now));
  return { clusterId: input.clusterId, targetVersion: input.target, checks };
}

/**
 * A node-image upgrade's readiness: the cluster's state, the surge's vCPUs and node-subnet
 * addresses (each pool rolls with maxSurge extra nodes, as for a Kubernetes upgrade), the node
 * images' age. `target` is the node image the plan brings the first pool to.
 */
export function evaluateNodeImageReadiness(input: Pick<ReadinessInput, "clusterId" | "target" | "cluster" | "computeUsages" | "subnetUsages" | "now">): ReadinessReport {
  const checks: ReadinessCheck[] = [checkClusterState(input.cluster), checkVcpu(input), checkSubnets(input)];
  if (input.now) checks.push(checkNodeImageAge(input.cluster, input.now));
  return { clusterId: input.clusterId, targetVersion: input.target, checks };
}
