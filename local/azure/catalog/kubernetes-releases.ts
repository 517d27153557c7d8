import { compareVersions, minorDistance, minorOf, parseVersion } from "./versions";

export interface KubernetesRelease {
  /** `1.31.2` */
  version: string;
  preview: boolean;
  /** Epoch ms when the simulator made it available. */
  availableAt: number;
}

/** One row of the location's Kubernetes versions list (`KubernetesVersion` in the SDK). */
export interface KubernetesVersionEntry {
  version: string;
  isDefault?: boolean;
  isPreview?: boolean;
  capabilities: { supportPlan: string[] };
  patchVersions: Record<string, { upgrades: string[] }>;
}

export interface SupportChange {
  /** Minors that just left the support window (their clusters get ClusterSupportEnded). */
  ended: string[];
  /** The minor that is now the oldest supported one (its clusters get ClusterSupportEnding). */
  ending?: string;
}

/**
 * The release catalog: Kubernetes patch versions per minor, preview flags, and AKS's support window
 * (the three newest generally available minors, "N-2":
 * https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#kubernetes-version-support-policy).
 */
export class KubernetesCatalog {
  private releases: KubernetesRelease[] = [];

  constructor(initial: KubernetesRelease[] = []) {
    for (const r of initial) this.releases.push(r);
    this.sort();
  }

  all(): KubernetesRelease[] {
    return [...this.releases];
  }

  has(version: string): boolean {
    return this.releases.some((r) => compareVersions(r.version, version) === 0);
  }

  find(version: string): KubernetesRelease | undefined {
    return this.releases.find((r) => compareVersions(r.version, version) === 0);
  }

  /** Generally available minors, oldest first (a minor is GA once one of its patches is). */
  gaMinors(): string[] {
    return unique(this.releases.filter((r) => !r.preview).map((r) => minorOf(r.version)));
  }

  /** The supported window: the three newest GA minors. */
  supportedMinors(): string[] {
    return this.gaMinors().slice(-3);
  }

  isSupportedMinor(minor: string): boolean {
    return this.supportedMinors().includes(minor);
  }

  /** Minors that can be chosen: supported GA minors, plus preview minors newer than them. */
  availableMinors(): string[] {
    const supported = this.supportedMinors();
    const newest = supported[supported.length - 1];
    const previews = unique(this.releases.filter((r) => r.preview).map((r) => minorOf(r.version)))
      .filter((m) => !newest || minorDistance(newest, m + ".0") > 0);
    return unique([...supported, ...previews]);
  }

  /** Whether a cluster or pool may be created on / moved to this exact version. */
  isAvailable(version: string): boolean {
    return this.has(version) && this.availableMinors().includes(minorOf(version));
  }

  patchesOf(minor: string): KubernetesRelease[] {
    return this.releases.filter((r) => minorOf(r.version) === minor);
  }

  latestPatch(minor: string, includePreview = true): string | undefined {
    const patches = this.patchesOf(minor).filter((r) => includePreview || !r.preview);
    return patches[patches.length - 1]?.version;
  }

  /** The newest GA version overall. */
  latestStable(): string | undefined {
    const minors = this.gaMinors();
    const newest = minors[minors.length - 1];
    return newest ? this.latestPatch(newest, false) : undefined;
  }

  latestPreview(): string | undefined {
    const previews = this.releases.filter((r) => r.preview);
    return previews[previews.length - 1]?.version;
  }

  /** The default version for new clusters: AKS defaults to the latest patch of the second-newest GA minor. */
  defaultVersion(): string | undefined {
    const supported = this.supportedMinors();
    const minor = supported[supported.length - 2] ?? supported[supported.length - 1];
    return minor ? this.latestPatch(minor, false) : undefined;
  }

  /** Resolves `1.31` to its latest patch; exact versions stay as they are. */
  resolve(version: string): string {
    const v = parseVersion(version);
    if (v.patch >= 0) return `${v.major}.${v.minor}.${v.patch}`;
    return this.latestPatch(`${v.major}.${v.minor}`) ?? `${v.major}.${v.minor}.0`;
  }

  /**
   * Where a control plane on `version` may go: newer patches of its minor and the patches of the
   * next minor (AKS never skips a minor), limited to what is available.
   */
  upgradesFrom(version: string): KubernetesRelease[] {
    const minor = minorOf(version);
    return this.releases.filter((r) => {
      if (compareVersions(r.version, version) <= 0) return false;
      const d = minorDistance(minor + ".0", minorOf(r.version) + ".0");
      return (d === 0 || d === 1) && (this.availableMinors().includes(minorOf(r.version)) || d === 0);
    });
  }

  /** Adds a release; returns the support change when a new GA minor pushes the oldest one out. */
  add(release: KubernetesRelease): SupportChange {
    const before = this.supportedMinors();
    const existing = this.find(release.version);
    if (existing) {
      existing.preview = release.preview;
    } else {
      this.releases.push(release);
    }
    this.sort();
    const after = this.supportedMinors();
    const ended = before.filter((m) => !after.includes(m));
    return { ended, ending: ended.length > 0 ? after[0] : undefined };
  }

  /** The location's `kubernetesVersions` list, in the shape of the AKS example `KubernetesVersions_List`. */
  versionsList(): KubernetesVersionEntry[] {
    const defaultVersion = this.defaultVersion();
    return this.availableMinors().map((minor) => {
      const patches = this.patchesOf(minor);
      const preview = patches.every((p) => p.preview);
      const entry: KubernetesVersionEntry = {
        version: minor,
        capabilities: { supportPlan: ["KubernetesOfficial"] },
        patchVersions: Object.fromEntries(patches.map((p) => [p.version, { upgrades: this.upgradesFrom(p.version).map((u) => u.version) }]))
      };
      if (defaultVersion && minorOf(defaultVersion) === minor) entry.isDefault = true;
      if (preview) entry.isPreview = true;
      return entry;
    });
  }

  snapshot(): KubernetesRelease[] {
    return this.all();
  }

  restore(releases: KubernetesRelease[]): void {
    this.releases = [...releases];
    this.sort();
  }

  private sort(): void {
    this.releases.sort((a, b) => compareVersions(a.version, b.version));
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
