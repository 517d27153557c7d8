import {
  type CatalogFilter, type KubernetesCatalog, type KubernetesSupportPlan,
  lineRejection, newestPatchOf, newestSupportedVersion, supportedLines, supportedPatches
} from "./kubernetesCatalog";
import {
  type KubernetesVersion, compareKubernetesVersions, formatKubernetesVersion, minorDistance, minorKey,
  parseKubernetesVersion, parseMinorVersion
} from "./kubernetesVersion";
import { InvalidClusterVersionsError, KubernetesDowngradeError, UnsupportedKubernetesVersionError } from "./errors";

export interface PoolVersion {
  name: string;
  /** The pool's `currentOrchestratorVersion` (major.minor.patch). */
  version: string;
  /** AKS agent pool mode (`System`, `User`, `Gateway`): `System` pools are upgraded first. */
  mode: string;
}

export interface ClusterVersions {
  controlPlane: string;
  pools: PoolVersion[];
}

export interface UpgradePlanPolicy {
  allowPreview: boolean;
  /** Tightens AKS's pool skew (never loosens it): how many minors a pool may trail the control plane. */
  maxMinorSkew?: number;
  supportPlan?: KubernetesSupportPlan;
}

export interface PlanKubernetesUpgradeInput {
  current: ClusterVersions;
  /** `1.32.3`, or `1.32` for the newest allowed patch of 1.32. Absent: the newest supported GA version. */
  target?: string;
  catalog: KubernetesCatalog;
  policy: UpgradePlanPolicy;
}

export interface UpgradePlanStep {
  index: number;
  kind: "controlPlane" | "nodePool";
  pool?: string;
  from: string;
  to: string;
}

export interface UpgradePlan {
  /** The version the control plane and every pool run once all steps succeed. */
  target: string;
  steps: UpgradePlanStep[];
}

/**
 * How many minors an agent pool may trail the control plane running `controlPlane`. From the AKS
 * "Supported Kubernetes versions" FAQ (and upstream's version-skew policy for kubelet): since 1.28 a
 * pool may be up to three minor versions older than the control plane, before that two; never newer.
 */
export function aksPoolSkew(controlPlane: KubernetesVersion): number {
  return controlPlane.major === 1 && controlPlane.minor >= 28 ? 3 : 2;
}

/**
 * Plans a Kubernetes upgrade as AKS allows it.
 *
 * Control plane: one minor at a time, each intermediate hop to the newest allowed patch of its
 * line, the last hop to the target itself. The one exception is AKS's own: a control plane on a
 * line AKS no longer lists may jump straight to the oldest supported line ("skipping multiple
 * versions can only be done when upgrading from an unsupported version back into the minimum
 * supported version", AKS upgrade docs).
 *
 * Pools: after the control plane, each pool goes straight to the final version (a pool may jump
 * several minors, it only must not pass the control plane). Before a control-plane hop that
 * would leave a pool further behind than the skew allows, that pool is first brought up to the
 * control plane's current version, so the plan interleaves only when it must. System pools go
 * before User pools (system add-ons are validated first), otherwise in the order given.
 */
export function planKubernetesUpgrade(input: PlanKubernetesUpgradeInput): UpgradePlan {
  const { catalog, policy } = input;
  const filter: CatalogFilter = { allowPreview: policy.allowPreview, ...(policy.supportPlan ? { supportPlan: policy.supportPlan } : {}) };
  const controlPlane = parseKubernetesVersion(input.current.controlPlane);
  const pools = orderPools(input.current.pools).map((p) => ({ name: p.name, version: parseKubernetesVersion(p.version) }));
  for (const pool of pools) {
    if (compareKubernetesVersions(pool.version, controlPlane) > 0) {
      throw new InvalidClusterVersionsError(`pool ${pool.name} runs ${formatKubernetesVersion(pool.version)}, ahead of the control plane ${input.current.controlPlane}`);
    }
  }

  const target = resolveTarget(input.target, controlPlane, catalog, filter);
  const hops = controlPlaneHops(controlPlane, target, catalog, filter);
  checkAgainstUpgradeProfile(catalog, hops[0]);

  const steps: Omit<UpgradePlanStep, "index">[] = [];
  let cp = controlPlane;
  for (const hop of hops) {
    const skew = Math.min(aksPoolSkew(hop), policy.maxMinorSkew ?? Number.POSITIVE_INFINITY);
    for (const pool of pools) {
      // A pool already at the control plane's version cannot get closer before this hop; AKS's
      // jump from an unsupported line is the only way that happens, and AKS accepts it.
      if (minorDistance(pool.version, hop) > skew && compareKubernetesVersions(pool.version, cp) < 0) {
        steps.push({ kind: "nodePool", pool: pool.name, from: formatKubernetesVersion(pool.version), to: formatKubernetesVersion(cp) });
        pool.version = cp;
      }
    }
    steps.push({ kind: "controlPlane", from: formatKubernetesVersion(cp), to: formatKubernetesVersion(hop) });
    cp = hop;
  }
  for (const pool of pools) {
    if (compareKubernetesVersions(pool.version, cp) < 0) {
      steps.push({ kind: "nodePool", pool: pool.name, from: formatKubernetesVersion(pool.version), to: formatKubernetesVersion(cp) });
      pool.version = cp;
    }
  }
  return { target: formatKubernetesVersion(cp), steps: steps.map((s, index) => ({ index, ...s })) };
}

function orderPools(pools: readonly PoolVersion[]): PoolVersion[] {
  const rank = (p: PoolVersion): number => (p.mode.toLowerCase() === "system" ? 0 : 1);
  return pools.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

function resolveTarget(requested: string | undefined, controlPlane: KubernetesVersion, catalog: KubernetesCatalog, filter: CatalogFilter): KubernetesVersion {
  if (requested === undefined) {
    // "No target" means the newest generally available version: previews are only ever chosen by name.
    const newest = newestSupportedVersion(catalog, { ...filter, allowPreview: false });
    if (newest === undefined) throw new UnsupportedKubernetesVersionError("(newest)", "AKS lists no generally available version in this location");
    const parsed = parseKubernetesVersion(newest);
    return compareKubernetesVersions(parsed, controlPlane) > 0 ? parsed : controlPlane;
  }
  const target = parseTarget(requested, catalog, filter);
  if (compareKubernetesVersions(target, controlPlane) < 0) {
    throw new KubernetesDowngradeError(formatKubernetesVersion(controlPlane), formatKubernetesVersion(target));
  }
  if (compareKubernetesVersions(target, controlPlane) === 0) return target; // already there: pools may still follow
  const line = minorKey(target);
  const rejection = lineRejection(catalog, line, filter);
  if (rejection !== undefined) throw new UnsupportedKubernetesVersionError(formatKubernetesVersion(target), rejection);
  const offered = supportedPatches(catalog, line, filter);
  if (!offered.includes(formatKubernetesVersion(target))) {
    throw new UnsupportedKubernetesVersionError(formatKubernetesVersion(target), `AKS offers ${offered.join(", ") || "no patch"} of ${line}`);
  }
  return target;
}

/** `1.32` (alias minor, as AKS accepts on upgrade) resolves to that line's newest allowed patch. */
function parseTarget(requested: string, catalog: KubernetesCatalog, filter: CatalogFilter): KubernetesVersion {
  if (/^v?\d+\.\d+$/.test(requested.trim())) {
    const line = minorKey(parseMinorVersion(requested));
    const newest = newestPatchOf(catalog, line, filter);
    if (newest === undefined) throw new UnsupportedKubernetesVersionError(requested, lineRejection(catalog, line, filter) ?? `AKS offers no patch of ${line}`);
    return parseKubernetesVersion(newest);
  }
  return parseKubernetesVersion(requested);
}

function controlPlaneHops(from: KubernetesVersion, target: KubernetesVersion, catalog: KubernetesCatalog, filter: CatalogFilter): KubernetesVersion[] {
  const hops: KubernetesVersion[] = [];
  if (minorDistance(from, target) === 0) {
    if (compareKubernetesVersions(target, from) > 0) hops.push(target);
    return hops;
  }
  const lines = supportedLines(catalog, filter).map((l) => parseMinorVersion(l)).filter((l) => l.major === from.major);
  const oldestLine = lines[0];
  let cur = from;
  while (minorDistance(cur, target) > 0) {
    let nextMinor = cur.minor + 1;
    const curListed = lines.some((l) => l.minor === cur.minor);
    if (!curListed && oldestLine !== undefined && cur.minor < oldestLine.minor) nextMinor = Math.min(oldestLine.minor, target.minor);
    if (nextMinor === target.minor) {
      hops.push(target);
      break;
    }
    const line = `${cur.major}.${nextMinor}`;
    const newest = newestPatchOf(catalog, line, filter);
    if (newest === undefined) {
      throw new UnsupportedKubernetesVersionError(formatKubernetesVersion(target), `the path goes through ${line}, and ${lineRejection(catalog, line, filter) ?? `AKS offers no patch of ${line}`}`);
    }
    cur = parseKubernetesVersion(newest);
    hops.push(cur);
  }
  return hops;
}

/** When the caller read the cluster's upgrade profile, the first hop must be one AKS offers it now. */
function checkAgainstUpgradeProfile(catalog: KubernetesCatalog, firstHop: KubernetesVersion | undefined): void {
  if (firstHop === undefined || catalog.controlPlaneUpgrades === undefined) return;
  const wanted = formatKubernetesVersion(firstHop);
  const offered = catalog.controlPlaneUpgrades.map((u) => u.kubernetesVersion).filter((v): v is string => typeof v === "string");
  if (!offered.includes(wanted)) {
    throw new UnsupportedKubernetesVersionError(wanted, `the cluster's upgrade profile offers ${offered.join(", ") || "no upgrade"}`);
  }
}
