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

/**
 * ARM's read bucket of one subscription: 250 at once, 25 more a second (learn.microsoft.com/azure/
 * azure-resource-manager/management/request-limits-and-throttling, "Subscription | reads | 250 | 25"),
 * kept per subscription (issue 31: each subscription of a fleet has its own).
 */
export const ARM_SUBSCRIPTION_READS = { burst: 250, perSecond: 25 } as const;

/** ARM's write bucket of one subscription: 200 at once, 10 more a second (same page, "Subscription | writes | 200 | 10"). */
export const ARM_SUBSCRIPTION_WRITES = { burst: 200, perSecond: 10 } as const;

/**
 * ARM reads one cluster's node-image step takes when its window opens: the cluster, each pool's
 * upgrade profile and the vCPU quota (readiness); counted for four pools, so fleets of up to four
 * pools a cluster stay inside the bound.
 */
export const WINDOW_READS_PER_CLUSTER = 6;

/**
 * Issue 31: the span over which `clusters` clusters of one subscription whose maintenance windows
 * open at the same minute start, so that their reads and their one upgrade write each stay inside
 * that subscription's buckets (`subscriptionSpreadMs` of both). Each subscription has its own
 * buckets, so a fleet spread over N subscriptions gets its clusters going N times sooner: 1,200
 * clusters of one subscription over 283 s, 300 in each of four over 67 s.
 */
export function subscriptionWindowSpreadMs(clusters: number): number {
  return Math.max(subscriptionSpreadMs(clusters * WINDOW_READS_PER_CLUSTER), subscriptionSpreadMs(clusters, ARM_SUBSCRIPTION_WRITES));
}

/**
 * The span over which `reads` reads of one subscription, spread evenly, stay inside its read bucket
 * with half the burst left for the rest of the platform's work: 0 up to 125 reads, then one more
 * second per 25. A fleet of 2,000 clusters in one subscription spreads its first reads over 75 s; over
 * four subscriptions, 15 s each, side by side.
 */
export function subscriptionSpreadMs(reads: number, bucket: { burst: number; perSecond: number } = ARM_SUBSCRIPTION_READS): number {
  return Math.max(0, Math.ceil(((reads - bucket.burst / 2) / bucket.perSecond) * 1000));
}
