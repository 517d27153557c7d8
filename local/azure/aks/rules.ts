import type { KubernetesCatalog } from "../catalog";
import { compareVersions, isVersion, minorDistance, parseVersion } from "../catalog";
import { aksErrors } from "./errors";

/** The largest control plane minus pool minor AKS allows since Kubernetes 1.28 (https://aka.ms/version-skew-policy). */
export const MAX_POOL_SKEW = 3;

/** Resolves a requested version (`1.31` → its latest patch) and checks it exists in the region. */
export function resolveAvailable(catalog: KubernetesCatalog, requested: string): string {
  if (!isVersion(requested)) throw aksErrors.versionNotSupported(requested);
  const version = catalog.resolve(requested);
  if (!catalog.has(version)) throw aksErrors.versionNotSupported(requested);
  return version;
}

/**
 * The version an update asks for. A bare `major.minor` equal to the current minor keeps the
 * current patch: "Updating the cluster with the same <major.minor> once it has been created
 * (e.g. 1.14.x -> 1.14) will not trigger an upgrade" (ManagedCluster.kubernetesVersion, SDK docs).
 */
export function resolveUpdateTarget(catalog: KubernetesCatalog, requested: string, current: string): string {
  if (/^v?\d+\.\d+$/.test(requested.trim()) && minorDistance(requested.trim().replace(/^v/, "") + ".0", current) === 0) return current;
  return resolveAvailable(catalog, requested);
}

/** A control-plane move: no downgrade, no skipped minor, target must be offered. */
export function checkControlPlaneUpgrade(catalog: KubernetesCatalog, current: string, target: string): void {
  if (compareVersions(target, current) === 0) return;
  if (compareVersions(target, current) < 0) throw aksErrors.downgradeNotAllowed(current, target);
  const offered = catalog.upgradesFrom(current).map((r) => r.version);
  if (minorDistance(current, target) > 1 || !offered.includes(target)) {
    throw aksErrors.upgradeNotAllowed(current, target, [...offered].reverse());
  }
}

/** A pool version against the control plane: never newer, at most three minors older. */
export function checkPoolVersion(poolVersion: string, controlPlaneVersion: string): void {
  const p = parseVersion(poolVersion);
  const c = parseVersion(controlPlaneVersion);
  if (compareVersions(poolVersion, controlPlaneVersion) > 0) {
    throw aksErrors.poolNewerThanControlPlane(poolVersion, controlPlaneVersion, p.minor, c.minor);
  }
  if (minorDistance(poolVersion, controlPlaneVersion) > MAX_POOL_SKEW) {
    throw aksErrors.poolTooOld(poolVersion, controlPlaneVersion, p.minor, c.minor);
  }
}

/** A pool move: no downgrade, and the result must fit the control plane. */
export function checkPoolUpgrade(current: string, target: string, controlPlaneVersion: string): void {
  if (compareVersions(target, current) < 0) throw aksErrors.downgradeNotAllowed(current, target);
  checkPoolVersion(target, controlPlaneVersion);
}
