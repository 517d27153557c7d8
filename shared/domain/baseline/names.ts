/**
 * Names of everything a provisioning request deploys, derived from the cluster name, and the
 * deterministic role-assignment names (Bicep's `guid(...)`: the same inputs give the same GUID, so
 * a re-PUT is idempotent instead of `409 RoleAssignmentExists`, BASELINE.md §6.2 #7). Pure.
 */

/** Resource-name rules of the types whose names derive from the request's `name` (BASELINE.md §3 V21-V34). */
export interface NameRule { what: string; pattern: RegExp; min: number; max: number; rule: string; noDoubleHyphen?: boolean }

export const NAME_RULES: Record<"cluster" | "keyVault" | "registry" | "workspace" | "resourceGroup", NameRule> = {
  cluster: { what: "AKS cluster", pattern: /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/, min: 1, max: 63, rule: "must be 1-63 letters, digits, '-' or '_', starting and ending with a letter or digit (V34)" },
  keyVault: { what: "Key Vault", pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/, min: 3, max: 24, noDoubleHyphen: true, rule: "must be 3-24 letters, digits and single hyphens, starting with a letter (V25)" },
  registry: { what: "container registry", pattern: /^[a-zA-Z0-9]+$/, min: 5, max: 50, rule: "must be 5-50 letters and digits (V22)" },
  workspace: { what: "Log Analytics workspace", pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/, min: 4, max: 63, rule: "must be 4-63 letters, digits and hyphens, starting and ending with a letter or digit (V30)" },
  resourceGroup: { what: "resource group", pattern: /^[-\w._()]*[-\w_()]$/, min: 1, max: 90, rule: "must be 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'" }
};

export function derivedNames(name: string): Record<keyof typeof NAME_RULES, string> {
  return {
    cluster: name,
    keyVault: `kv-${name}`,
    registry: `acr${name.replace(/[^a-zA-Z0-9]/g, "")}`,
    workspace: `la-${name}`,
    resourceGroup: `rg-${name}`
  };
}

/** A name-based UUID (RFC 4122 version 5, SHA-1) over the parts, lower-cased: Bicep's `guid()` in spirit. */
export function deterministicGuid(...parts: string[]): string {
  const bytes = sha1(utf8(parts.map((p) => p.toLowerCase()).join("|")));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function utf8(text: string): number[] {
  return Array.from(new TextEncoder().encode(text));
}

/** SHA-1 (FIPS 180-4): the domain stays free of Node modules, and UUID v5 asks for exactly this hash. */
function sha1(message: number[]): number[] {
  const bitLength = message.length * 8;
  const data = [...message, 0x80];
  while (data.length % 64 !== 56) data.push(0);
  for (let i = 7; i >= 0; i--) data.push(i >= 4 ? 0 : (bitLength >>> (i * 8)) & 0xff);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Array<number>(80);
  const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
  for (let off = 0; off < data.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = ((data[off + 4 * i]! << 24) | (data[off + 4 * i + 1]! << 16) | (data[off + 4 * i + 2]! << 8) | data[off + 4 * i + 3]!) >>> 0;
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const [f, k] = i < 20 ? [(b & c) | (~b & d), 0x5a827999] : i < 40 ? [b ^ c ^ d, 0x6ed9eba1] : i < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
      const t = (rotl(a, 5) + (f >>> 0) + e + k + w[i]!) >>> 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h[0] = (h[0]! + a) >>> 0; h[1] = (h[1]! + b) >>> 0; h[2] = (h[2]! + c) >>> 0; h[3] = (h[3]! + d) >>> 0; h[4] = (h[4]! + e) >>> 0;
  }
  return h.flatMap((x) => [x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff]);
}
