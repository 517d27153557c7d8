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

/** The headers ARM returns with the remaining tokens of the bucket a request used (tenant-level requests: TENANT_REMAINING_HEADER). */
export const REMAINING_HEADER: Record<ArmOperationKind, string> = {
  read: "x-ms-ratelimit-remaining-subscription-reads",
  write: "x-ms-ratelimit-remaining-subscription-writes",
  delete: "x-ms-ratelimit-remaining-subscription-deletes"
};

export const TENANT_REMAINING_HEADER: Record<ArmOperationKind, string> = {
  read: "x-ms-ratelimit-remaining-tenant-reads",
  write: "x-ms-ratelimit-remaining-tenant-writes",
  delete: "x-ms-ratelimit-remaining-tenant-deletes"
};

/** The bucket scope of a request that names no subscription (tenant-level: management groups, `/tenants`). */
export const TENANT_SCOPE = "tenant";

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

  /**
   * Takes a token from the bucket of (scope, region, kind). ARM keeps one bucket per subscription
   * (or the tenant, for requests without a subscription id), per operation type, per region:
   * "Microsoft migrated Azure subscriptions to an updated throttling architecture starting in 2024.
   * Throttling limits are now applied per region rather than per instance of Azure Resource Manager"
   * and "Subscription limits apply per subscription, per service principal, and per operation type"
   * (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
   * "Regional throttling and token bucket algorithm"; tenant: the same sizes). The region is the one
   * of the Resource Manager that serves the caller, so a fleet spread over N subscriptions has N
   * sets of buckets; `region` defaults to one, as the simulator is one front end.
   */
  take(scope: string, kind: ArmOperationKind, region = "default"): ThrottleDecision {
    const limit = this.limits[kind];
    const key = `${scope.toLowerCase()}:${region.toLowerCase()}:${kind}`;
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
