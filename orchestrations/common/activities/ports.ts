import type { ClusterRepository, NowSource, OperationRepository } from "../../../shared/store";

/** The store slices activities use: clusters and operation records (shared/store repositories or a typed fake). */
export interface StorePort {
  clusters: Pick<ClusterRepository, "get" | "mutate">;
  operations: Pick<OperationRepository, "get" | "mutate">;
}

/** Activities read time from the platform's clock (the host's virtual clock in tests), never `Date.now()` directly. */
export type ActivityClock = NowSource;

export function isoAt(clock: ActivityClock): string {
  return new Date(clock.now()).toISOString();
}
