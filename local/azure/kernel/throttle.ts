import type { Clock } from "../../clock";
import type { ArmOperationKind } from "./types";

export interface BucketLimit {
  /** Bucket size (the burst a client can spend at once). */
  burst: number;
  /** Tokens added per second. */
  perSecond: number;
}

export type ThrottleLimits = Record<ArmOperationKind, BucketLimit>;

/**
 * ARM's token-bucket limits per subscription and operation type
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling:
 * "Subscription reads: 250 bucket size, 25 per second; writes: 200, 10; deletes: 200, 10").
 */
export const ARM_DEFAULT_LIMITS: ThrottleLimits = {
  read: { burst: 250, perSecond: 25 },
  write: { burst: 200, perSecond: 10 },
  delete: { burst: 200, perSecond: 10 }
};

/** The headers ARM returns with the remaining tokens of the bucket a request used. */
export const REMAINING_HEADER: Record<ArmOperationKind, string> = {
  read: "x-ms-ratelimit-remaining-subscription-reads",
  write: "x-ms-ratelimit-remaining-subscription-writes",
  delete: "x-ms-ratelimit-remaining-subscription-deletes"
};

interface Bucket {
  tokens: number;
  at: number;
}

export type ThrottleDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; remaining: 0; retryAfterSeconds: number };

/** Token buckets refilled on the shared clock (so a test's virtual time refills them, not wall time). */
export class Throttler {
  private readonly buckets = new Map<string, Bucket>();
  limits: ThrottleLimits;

  constructor(private readonly clock: Clock, limits: Partial<ThrottleLimits> = {}) {
    this.limits = { ...ARM_DEFAULT_LIMITS, ...limits };
  }

  setLimits(limits: Partial<ThrottleLimits>): void {
    this.limits = { ...this.limits, ...limits };
    this.buckets.clear();
  }

  take(subscriptionId: string, kind: ArmOperationKind): ThrottleDecision {
    const limit = this.limits[kind];
    const key = `${subscriptionId.toLowerCase()}:${kind}`;
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }
}
