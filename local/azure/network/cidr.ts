/** IPv4 addresses and CIDR ranges, as Azure's network validation compares them. */

export interface Cidr {
  text: string;
  /** First address of the range as an unsigned 32-bit number. */
  start: number;
  /** Last address of the range. */
  end: number;
  prefix: number;
  /** The address as written (may have host bits set). */
  address: number;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((n) => n > 255 || !Number.isInteger(n))) return undefined;
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** Parses `a.b.c.d/n` (0 ≤ n ≤ 32); undefined when it is not a CIDR at all. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const address = parseIpv4(m[1] ?? "");
  const prefix = Number(m[2]);
  if (address === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
  const size = 2 ** (32 - prefix);
  const start = Math.floor(address / size) * size;
  return { text: text.trim(), start, end: start + size - 1, prefix, address };
}

/** True when the address has no host bits set (`10.0.3.0/24`, not `10.0.3.5/24`). */
export function isNetworkAddress(c: Cidr): boolean {
  return c.address === c.start;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** `inner` lies entirely inside `outer`. */
export function within(inner: Cidr, outer: Cidr): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function containsIp(c: Cidr, ip: number): boolean {
  return ip >= c.start && ip <= c.end;
}

/** The network address form of a CIDR (`10.0.3.0/24` for `10.0.3.5/24`). */
export function canonical(c: Cidr): string {
  return `${formatIpv4(c.start)}/${c.prefix}`;
}
