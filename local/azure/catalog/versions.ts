/** Kubernetes version strings as AKS uses them: `major.minor.patch` (patch optional in requests). */
export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
}

export class InvalidVersionError extends Error {
  override readonly name = "InvalidVersionError";
  constructor(readonly version: string) {
    super(`'${version}' is not a Kubernetes version (expected major.minor[.patch])`);
  }
}

export function parseVersion(version: string): KubeVersion {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version.trim());
  if (!m) throw new InvalidVersionError(version);
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? -1 : Number(m[3]) };
}

export function isVersion(version: unknown): version is string {
  return typeof version === "string" && /^v?\d+\.\d+(\.\d+)?$/.test(version.trim());
}

/** `1.30` for `1.30.4`. */
export function minorOf(version: string): string {
  const v = parseVersion(version);
  return `${v.major}.${v.minor}`;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b` (a missing patch counts as -1). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** Minor versions between `a` and `b` (b - a), assuming the same major. */
export function minorDistance(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return (y.major - x.major) * 100 + (y.minor - x.minor);
}
