import { compareKubernetesVersions, isKubernetesVersion, minorKey, parseKubernetesVersion, parseMinorVersion } from "./kubernetesVersion";

/**
 * One release line as AKS lists it for a location
 * (`GET .../providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions`, `values[]`;
 * `KubernetesVersion` in @azure/arm-containerservice 25.x): `version` is `major.minor`, its patches are
 * the keys of `patchVersions` (each with the versions AKS lets it upgrade to), `isPreview` applies to
 * the whole line and `capabilities.supportPlan` says whether it is covered by the community plan, LTS, or both.
 */
export interface CatalogMinorVersion {
  version?: string;
  isPreview?: boolean;
  isDefault?: boolean;
  capabilities?: { supportPlan?: string[] };
  patchVersions?: Record<string, { upgrades?: string[] }>;
}

/** What an upgrade profile lists (`upgradeProfiles/default` → `controlPlaneProfile.upgrades[]`). */
export interface CatalogUpgradeOption {
  kubernetesVersion?: string;
  isPreview?: boolean;
}

/**
 * What AKS says about the versions a cluster can use: the location's release catalog and, when the
 * caller has read it, the cluster's own upgrade profile. Structural on purpose: the SDK's
 * `KubernetesVersionListResult` and `ManagedClusterUpgradeProfile` fit it without conversion.
 */
export interface KubernetesCatalog {
  values?: CatalogMinorVersion[];
  /** From `upgradeProfiles/default`: the direct upgrades AKS offers the control plane right now. */
  controlPlaneUpgrades?: CatalogUpgradeOption[];
}

/** `KubernetesOfficial` (community support, the default) or `AKSLongTermSupport` (Premium tier). */
export type KubernetesSupportPlan = "KubernetesOfficial" | "AKSLongTermSupport";

export interface CatalogFilter {
  allowPreview: boolean;
  /** Default `KubernetesOfficial`: a line whose `supportPlan` omits the cluster's plan is not offered to it. */
  supportPlan?: KubernetesSupportPlan;
}

/** Builds the catalog from the two ARM reads, in either SDK (flattened) or wire (`properties`) form. */
export function catalogFrom(
  versions: { values?: CatalogMinorVersion[] },
  upgradeProfile?: { controlPlaneProfile?: { upgrades?: CatalogUpgradeOption[] }; properties?: { controlPlaneProfile?: { upgrades?: CatalogUpgradeOption[] } } }
): KubernetesCatalog {
  const profile = upgradeProfile?.controlPlaneProfile ?? upgradeProfile?.properties?.controlPlaneProfile;
  return { values: versions.values ?? [], ...(profile ? { controlPlaneUpgrades: profile.upgrades ?? [] } : {}) };
}

/** The catalog entry for a release line (`1.31`), if AKS lists it. */
export function catalogLine(catalog: KubernetesCatalog, minor: string): CatalogMinorVersion | undefined {
  return (catalog.values ?? []).find((entry) => entry.version !== undefined && sameLine(entry.version, minor));
}

function sameLine(listed: string, minor: string): boolean {
  try {
    return minorKey(parseMinorVersion(listed)) === minor;
  } catch {
    return false;
  }
}

function linePlans(entry: CatalogMinorVersion): string[] {
  return entry.capabilities?.supportPlan?.length ? entry.capabilities.supportPlan : ["KubernetesOfficial"];
}

/** Whether a full version is in preview: its line is, or the upgrade profile flags it. */
export function isPreviewVersion(catalog: KubernetesCatalog, version: string): boolean {
  const line = catalogLine(catalog, minorKey(parseKubernetesVersion(version)));
  if (line?.isPreview) return true;
  return (catalog.controlPlaneUpgrades ?? []).some((u) => u.kubernetesVersion === version && u.isPreview === true);
}

/** Why a line is not offered under the filter, or undefined when it is. */
export function lineRejection(catalog: KubernetesCatalog, minor: string, filter: CatalogFilter): string | undefined {
  const line = catalogLine(catalog, minor);
  if (!line) return `AKS does not list the ${minor} release line in this location`;
  if (line.isPreview && !filter.allowPreview) return `${minor} is in preview and the policy does not allow previews`;
  const plan = filter.supportPlan ?? "KubernetesOfficial";
  if (!linePlans(line).includes(plan)) return `${minor} is not available under the ${plan} support plan (only ${linePlans(line).join(", ")})`;
  return undefined;
}

/** The patch versions of a line the filter allows, oldest first. Empty when the line is not offered. */
export function supportedPatches(catalog: KubernetesCatalog, minor: string, filter: CatalogFilter): string[] {
  if (lineRejection(catalog, minor, filter) !== undefined) return [];
  const line = catalogLine(catalog, minor);
  const patches = Object.keys(line?.patchVersions ?? {}).filter(isKubernetesVersion);
  return patches
    .filter((p) => minorKey(parseKubernetesVersion(p)) === minor)
    .filter((p) => filter.allowPreview || !isPreviewVersion(catalog, p))
    .sort(compareKubernetesVersions);
}

/** Every release line the filter allows, oldest first, as `major.minor`. */
export function supportedLines(catalog: KubernetesCatalog, filter: CatalogFilter): string[] {
  const lines = new Set<string>();
  for (const entry of catalog.values ?? []) {
    if (entry.version === undefined) continue;
    let key: string;
    try {
      key = minorKey(parseMinorVersion(entry.version));
    } catch {
      continue; // AKS only lists major.minor here; anything else is not a line we can plan with.
    }
    if (supportedPatches(catalog, key, filter).length > 0) lines.add(key);
  }
  return [...lines].sort((a, b) => compareKubernetesVersions(`${a}.0`, `${b}.0`));
}

/** The newest version the filter allows (newest patch of the newest line), if any. */
export function newestSupportedVersion(catalog: KubernetesCatalog, filter: CatalogFilter): string | undefined {
  const lines = supportedLines(catalog, filter);
  const newestLine = lines[lines.length - 1];
  if (newestLine === undefined) return undefined;
  return supportedPatches(catalog, newestLine, filter).at(-1);
}

/** The newest patch of one line that the filter allows, if any. */
export function newestPatchOf(catalog: KubernetesCatalog, minor: string, filter: CatalogFilter): string | undefined {
  return supportedPatches(catalog, minor, filter).at(-1);
}

/** Every version the filter allows that is newer than `current`, oldest first: what an upgrade may target. */
export function versionsNewerThan(catalog: KubernetesCatalog, current: string, filter: CatalogFilter): string[] {
  return supportedLines(catalog, filter)
    .flatMap((line) => supportedPatches(catalog, line, filter))
    .filter((v) => compareKubernetesVersions(v, current) > 0);
}
