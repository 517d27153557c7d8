/** IPv4 ranges as the provisioning request's validation compares them (pure; no Node modules). */

export interface Range {
  text: string;
  start: number;
  end: number;
  prefix: number;
  /** The address as written had host bits set (`10.0.3.5/24`). */
  hostBits: boolean;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((n) => n > 255)) return undefined;
  return ((parts[0]! * 2 ** 24) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** `a.b.c.d/n`, or undefined when the text is not a CIDR. */
export function parseRange(text: unknown): Range | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const address = parseIpv4(m[1] ?? "");
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const start = Math.floor(address / size) * size;
  return { text: text.trim(), start, end: start + size - 1, prefix, hostBits: start !== address };
}

export function overlaps(a: Range, b: Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function containsAddress(r: Range, address: number): boolean {
  return address >= r.start && address <= r.end;
}

/** The `/prefix` range starting `offset` addresses into `parent`. */
export function subRange(parent: Range, offset: number, prefix: number): string {
  return `${formatIpv4(parent.start + offset)}/${prefix}`;
}

/** Ranges AKS reserves for itself (BASELINE.md §3 V43). */
export const AKS_RESERVED_RANGES = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"] as const;
