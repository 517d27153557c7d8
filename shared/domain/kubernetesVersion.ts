import { InvalidKubernetesVersionError } from "./errors";

/** A parsed Kubernetes release: AKS always reports and accepts `major.minor.patch` for clusters and pools. */
export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
}

const FULL = /^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$/;
const MINOR_ONLY = /^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$/;

/**
 * Parses `1.30.4` (an optional leading `v` is accepted because kubectl prints it). Anything else,
 * including `1.30`, `1.30.4-preview` or leading zeros, is rejected with the offending input named.
 */
export function parseKubernetesVersion(input: unknown): KubernetesVersion {
  if (typeof input !== "string") throw new InvalidKubernetesVersionError(input, "expected a string like 1.30.4");
  const text = input.trim().replace(/^v/, "");
  const m = FULL.exec(text);
  if (!m) throw new InvalidKubernetesVersionError(input, "expected major.minor.patch, e.g. 1.30.4");
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Parses a `major.minor` release line as AKS lists it in `kubernetesVersions[].version` (e.g. `1.31`). */
export function parseMinorVersion(input: unknown): { major: number; minor: number } {
  if (typeof input !== "string") throw new InvalidKubernetesVersionError(input, "expected a string like 1.31");
  const m = MINOR_ONLY.exec(input.trim().replace(/^v/, ""));
  if (!m) throw new InvalidKubernetesVersionError(input, "expected major.minor, e.g. 1.31");
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function isKubernetesVersion(input: unknown): input is string {
  return typeof input === "string" && FULL.test(input.trim().replace(/^v/, ""));
}

export function formatKubernetesVersion(v: KubernetesVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** `1.31` for `1.31.2`: the release line skew rules and catalog entries are expressed in. */
export function minorKey(v: KubernetesVersion | { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

/** Negative, zero or positive, like a sort comparator. Accepts strings or parsed versions. */
export function compareKubernetesVersions(a: string | KubernetesVersion, b: string | KubernetesVersion): number {
  const x = typeof a === "string" ? parseKubernetesVersion(a) : a;
  const y = typeof b === "string" ? parseKubernetesVersion(b) : b;
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/**
 * Minor versions between two releases of the same major (`b - a`). Kubernetes has only ever had
 * major 1; a change of major has no defined skew, so it is reported as an error rather than guessed.
 */
export function minorDistance(a: KubernetesVersion, b: KubernetesVersion): number {
  if (a.major !== b.major) {
    throw new InvalidKubernetesVersionError(`${formatKubernetesVersion(a)} → ${formatKubernetesVersion(b)}`, "major versions differ; no skew rule is defined across majors");
  }
  return b.minor - a.minor;
}

/** The newest of a list of versions (undefined for an empty list). */
export function newestVersion(versions: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareKubernetesVersions(v, best) > 0) best = v;
  return best;
}
