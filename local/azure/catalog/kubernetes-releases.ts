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
  /** The minor that is now deprecated: supported until `endsAt` (its clusters get ClusterSupportEnding). */
  ending?: string;
  endsAt?: number;
}

/** A minor pushed out of the N-2 window by a new GA minor: still supported until `endsAt`. */
export interface Retirement {
  minor: string;
  endsAt: number;
  /** Set once ClusterSupportEnded was published for it. */
  ended?: boolean;
}

/** How long a minor stays supported after the new GA minor that deprecates it (AKS announces ~30 days). */
export const DEPRECATION_WINDOW_MS = 30 * 24 * 3600 * 1000;

export class OutOfOrderReleaseError extends Error {
  override readonly name = "OutOfOrderReleaseError";
}

/**
 * The release catalog: Kubernetes patch versions per minor, preview flags, and AKS's support window
 * (the three newest generally available minors, "N-2":
 * https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#kubernetes-version-support-policy).
 */
export class KubernetesCatalog {
  private releases: KubernetesRelease[] = [];
  private retirements: Retirement[] = [];
  /** The clock deprecation windows are measured on (set by the simulator). */
  now: () => number = () => Date.now();

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

  /** The supported window: the three newest GA minors, plus a deprecated minor until its window ends. */
  supportedMinors(): string[] {
    const ga = this.gaMinors();
    const newest = ga.slice(-3);
    const now = this.now();
    const retiring = this.retirements.filter((r) => r.endsAt > now && ga.includes(r.minor) && !newest.includes(r.minor)).map((r) => r.minor);
    return unique([...retiring, ...newest]).sort((a, b) => compareVersions(a + ".0", b + ".0"));
  }

  /** Deprecated minors and when their support ends. */
  retiring(): Retirement[] {
    return this.retirements.map((r) => ({ ...r }));
  }

  /** Marks a retirement's ClusterSupportEnded as published. */
  markEnded(minor: string): void {
    for (const r of this.retirements) if (r.minor === minor) r.ended = true;
  }

  /**
   * Refuses a release AKS would never publish: a new minor must follow the newest one, and a new
   * minor cannot arrive while the newest is still in preview (it goes GA first).
   */
  checkOrder(version: string): void {
    const minor = minorOf(version);
    if (this.patchesOf(minor).length > 0) return;
    const minors = unique(this.releases.map((r) => minorOf(r.version)));
    const newest = minors[minors.length - 1];
    if (!newest) return;
    if (minorDistance(newest + ".0", minor + ".0") !== 1) {
      throw new OutOfOrderReleaseError(`Kubernetes ${version} cannot be released: the next minor after ${newest} is ${nextMinor(newest)}.`);
    }
    if (this.patchesOf(newest).every((r) => r.preview)) {
      throw new OutOfOrderReleaseError(`Kubernetes ${version} cannot be released while ${newest} is still in preview: make ${newest} generally available first.`);
    }
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

  /**
   * Adds a release. When a new GA minor pushes the oldest minor out of the three newest, that minor
   * is deprecated: still supported for `DEPRECATION_WINDOW_MS` (its clusters are told
   * ClusterSupportEnding now and ClusterSupportEnded when the window closes).
   */
  add(release: KubernetesRelease, windowMs = DEPRECATION_WINDOW_MS): SupportChange {
    const beforeNewest = this.gaMinors().slice(-3);
    const existing = this.find(release.version);
    if (existing) {
      existing.preview = release.preview;
    } else {
      this.releases.push(release);
    }
    this.sort();
    const afterNewest = this.gaMinors().slice(-3);
    const pushed = beforeNewest.filter((m) => !afterNewest.includes(m));
    const endsAt = this.now() + windowMs;
    for (const minor of pushed) {
      if (!this.retirements.some((r) => r.minor === minor)) this.retirements.push({ minor, endsAt });
    }
    return { ended: [], ...(pushed[0] ? { ending: pushed[0], endsAt } : {}) };
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

  restore(releases: KubernetesRelease[], retirements: Retirement[] = []): void {
    this.releases = [...releases];
    this.retirements = retirements.map((r) => ({ ...r }));
    this.sort();
  }

  private sort(): void {
    this.releases.sort((a, b) => compareVersions(a.version, b.version));
  }
}

function nextMinor(minor: string): string {
  const [maj, min] = minor.split(".").map(Number);
  return `${maj ?? 1}.${(min ?? 0) + 1}`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
