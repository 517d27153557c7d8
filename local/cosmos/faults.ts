/**
 * Faults the embedded Cosmos can be told to inject, for tests of how the platform meets them.
 * `throttle`: the next `count` document writes (optionally of one container) are answered as
 * Cosmos DB answers a request over the provisioned throughput: 429 with substatus 3200
 * (RequestRateTooLarge) and `x-ms-retry-after-ms`, nothing written.
 */
export interface CosmosThrottle {
  /** How many document writes to refuse. */
  count: number;
  /** `x-ms-retry-after-ms` on each refusal. Default 100. */
  retryAfterMs?: number;
  /** Only writes to this container. */
  container?: string;
}

export interface CosmosRefusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

const RATE_TOO_LARGE =
  "Message: {\"Errors\":[\"Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later. Learn more: http://aka.ms/cosmosdb-error-429\"]}";

export class CosmosFaults {
  private throttles: (CosmosThrottle & { left: number })[] = [];
  /** Writes refused so far by a throttle. */
  throttled = 0;

  throttle(fault: CosmosThrottle): void {
    if (!Number.isInteger(fault.count) || fault.count < 1) throw new Error("throttle.count must be a whole number ≥ 1");
    this.throttles.push({ ...fault, left: fault.count });
  }

  clear(): void {
    this.throttles = [];
  }

  /** The refusal for a document write to `container`, consuming one from the first matching fault. */
  refusalFor(container: string | undefined): CosmosRefusal | undefined {
    const fault = this.throttles.find((f) => f.left > 0 && (f.container === undefined || f.container === container));
    if (!fault) return undefined;
    fault.left--;
    this.throttles = this.throttles.filter((f) => f.left > 0);
    this.throttled++;
    return {
      status: 429,
      code: "429",
      message: RATE_TOO_LARGE,
      headers: { "x-ms-retry-after-ms": String(fault.retryAfterMs ?? 100), "x-ms-substatus": "3200" }
    };
  }
}
