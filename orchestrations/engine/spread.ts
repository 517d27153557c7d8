/**
 * Deterministic spreads for orchestrators: a per-instance stagger so a fleet whose windows open at
 * the same minute, or whose reads ARM throttled at once, does not come back in the same second.
 */

/** A stable 32-bit hash (FNV-1a): the same cluster always gets the same offset, on every replay. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A deterministic spread in [0, spanMs): jitter without randomness (orchestrators may not use Math.random). */
export function spreadMs(key: string, spanMs: number): number {
  return spanMs <= 0 ? 0 : stableHash(key) % Math.max(1, Math.floor(spanMs));
}
