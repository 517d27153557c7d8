import { type KubernetesCatalog, newestPatchOf, newestSupportedVersion } from "./kubernetesCatalog";
import { compareKubernetesVersions, isKubernetesVersion, minorKey, parseKubernetesVersion, parseMinorVersion } from "./kubernetesVersion";

/**
 * `data` of `Microsoft.ContainerService.NewKubernetesVersionAvailable` (as typed by @azure/eventgrid,
 * `ContainerServiceNewKubernetesVersionAvailableEventData`). Each field is the highest patch of a
 * line; `latestPreviewKubernetesVersion` may be empty when nothing is in preview.
 */
export interface NewKubernetesVersionAvailableData {
  latestSupportedKubernetesVersion?: string;
  latestStableKubernetesVersion?: string;
  lowestMinorKubernetesVersion?: string;
  latestPreviewKubernetesVersion?: string;
}

/**
 * `stable`: the newest patch of the line AKS calls stable (N-1); `supported`: the newest patch of
 * the newest GA line; `patch`: only the newest patch of the line the cluster already runs.
 * These mirror AKS's own auto-upgrade channels of the same names.
 */
export type TargetChannel = "stable" | "supported" | "patch";

export interface TargetChoicePolicy {
  targetChannel: TargetChannel;
  allowPreview: boolean;
}

export type TargetChoice =
  | { kind: "upgrade"; target: string; source: keyof NewKubernetesVersionAvailableData | "catalog" }
  | { kind: "none"; reason: string };

/**
 * Chooses the version a cluster should move to when AKS announces new versions. Returns `none`
 * (with the reason, for the event record) when the channel's version is not newer than what the
 * control plane runs, or when the event does not carry a usable version for the channel.
 * `catalog` is only needed for the `patch` channel, whose version the event does not always name.
 */
export function chooseTargetVersion(input: {
  data: NewKubernetesVersionAvailableData;
  policy: TargetChoicePolicy;
  currentControlPlane: string;
  catalog?: KubernetesCatalog;
}): TargetChoice {
  const { data, policy } = input;
  const current = parseKubernetesVersion(input.currentControlPlane);
  const candidates: { version: string; source: keyof NewKubernetesVersionAvailableData | "catalog" }[] = [];

  if (policy.targetChannel === "patch") {
    const line = minorKey(current);
    const fromCatalog = input.catalog ? newestPatchOf(input.catalog, line, { allowPreview: policy.allowPreview }) : undefined;
    if (fromCatalog) candidates.push({ version: fromCatalog, source: "catalog" });
    for (const source of ["latestSupportedKubernetesVersion", "latestStableKubernetesVersion", "lowestMinorKubernetesVersion"] as const) {
      const v = data[source];
      if (isKubernetesVersion(v) && minorKey(parseKubernetesVersion(v)) === line) candidates.push({ version: v, source });
    }
  } else {
    const source = policy.targetChannel === "stable" ? "latestStableKubernetesVersion" : "latestSupportedKubernetesVersion";
    const v = data[source];
    if (isKubernetesVersion(v)) candidates.push({ version: v, source });
    // A preview only ever replaces the newest-GA choice, and only when the policy opts in.
    const preview = data.latestPreviewKubernetesVersion;
    if (policy.targetChannel === "supported" && policy.allowPreview && isKubernetesVersion(preview)) {
      candidates.push({ version: preview, source: "latestPreviewKubernetesVersion" });
    }
  }

  if (candidates.length === 0) {
    return { kind: "none", reason: `the event names no valid version for the ${policy.targetChannel} channel` };
  }
  const best = candidates.reduce((a, b) => (compareKubernetesVersions(b.version, a.version) > 0 ? b : a));
  if (compareKubernetesVersions(best.version, current) <= 0) {
    return { kind: "none", reason: `the ${policy.targetChannel} channel's version ${best.version} is not newer than the control plane's ${input.currentControlPlane}` };
  }
  return { kind: "upgrade", target: best.version.trim().replace(/^v/, ""), source: best.source };
}

/**
 * The deterministic instance id of the upgrade a cluster makes to a version (DESIGN.md: a
 * duplicate or reordered event must not start a second one). Durable instance ids may not
 * contain `/`, `\`, `#` or `?`; cluster names and versions never do, but they are checked.
 */
export function kubernetesUpgradeInstanceId(clusterId: string, targetVersion: string): string {
  const id = `k8s-upgrade:${clusterId}:${targetVersion}`;
  if (/[/\\#?\s]/.test(id) || clusterId === "") throw new TypeError(`Cannot build an instance id from cluster ${JSON.stringify(clusterId)} and version ${JSON.stringify(targetVersion)}`);
  return id;
}

/**
 * The catalog as the fields of a NewKubernetesVersionAvailable event, for choosing a target with no
 * event to go by (a manual upgrade without a target, a readiness report): the default line's newest
 * GA patch is "stable", the newest GA patch "supported", the newest preview "preview".
 */
export function catalogAsEventData(catalog: KubernetesCatalog): NewKubernetesVersionAvailableData {
  const defaultLine = (catalog.values ?? []).find((v) => v.isDefault)?.version;
  const stable = defaultLine ? newestPatchOf(catalog, minorKey(parseMinorVersion(defaultLine)), { allowPreview: false }) : undefined;
  const supported = newestSupportedVersion(catalog, { allowPreview: false });
  const preview = newestSupportedVersion(catalog, { allowPreview: true });
  return {
    ...(supported ? { latestSupportedKubernetesVersion: supported } : {}),
    ...(stable ? { latestStableKubernetesVersion: stable } : {}),
    ...(preview && preview !== supported ? { latestPreviewKubernetesVersion: preview } : {})
  };
}
