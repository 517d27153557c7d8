/**
 * The fleet-level rules of the weekly node-image rollout: rings, soak, failure budget, paging.
 * Pure (orchestrators use it); functions/ builds a `RolloutPolicy` from app settings.
 */
import { DEFAULT_OPERATION_POLLING } from "../../shared/domain/polling";

export interface RolloutPolicy {
  /** Time between the end of one ring and the start of the next. */
  soakHours: number;
  /**
   * Failures a ring may have before the rollout stops, as a fraction of its clusters (rounded
   * down, so a ring of fewer than 1/ratio clusters tolerates none).
   */
  failureBudgetRatio: number;
  /** Clusters per page: the unit of paging, so no orchestration history grows with the fleet. */
  pageSize: number;
  /** Clusters of one page that run at once. */
  concurrency: number;
  /**
   * The platform's one polling set (UPGRADE_POLL_INTERVAL_SECONDS, UPGRADE_POLL_MAX_INTERVAL_SECONDS,
   * HEALTH_SETTLE_SECONDS), carried as data to every cluster's engine run.
   */
  polling: { firstIntervalMs: number; maxIntervalMs: number; healthSettleMs: number };
}

export const defaultRolloutPolicy: RolloutPolicy = {
  soakHours: 12,
  failureBudgetRatio: 0.1,
  pageSize: 50,
  concurrency: 50,
  // The settings' defaults: steps end on AKS's NodePoolRolling* events, polls are the safety net.
  polling: { ...DEFAULT_OPERATION_POLLING }
};

export class InvalidRolloutPolicyError extends Error {
  readonly permanent = true as const;
  constructor(readonly issues: string[]) {
    super(`Invalid node-image rollout settings: ${issues.join("; ")}`);
    this.name = "InvalidRolloutPolicyError";
  }
}

/** Defaults with overrides, each checked; every problem is named. */
export function rolloutPolicyFrom(overrides: Partial<Record<Exclude<keyof RolloutPolicy, "polling">, number | undefined>> & { polling?: RolloutPolicy["polling"] }): RolloutPolicy {
  const issues: string[] = [];
  const pick = (key: Exclude<keyof RolloutPolicy, "polling">, min: number, max: number, integer: boolean): number => {
    const value = overrides[key];
    if (value === undefined) return defaultRolloutPolicy[key];
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      issues.push(`${key} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max} (got ${value})`);
    }
    return value;
  };
  const policy: RolloutPolicy = {
    soakHours: pick("soakHours", 0, 14 * 24, false),
    failureBudgetRatio: pick("failureBudgetRatio", 0, 1, false),
    pageSize: pick("pageSize", 1, 200, true),
    concurrency: pick("concurrency", 1, 200, true),
    polling: overrides.polling ? { ...overrides.polling } : { ...defaultRolloutPolicy.polling }
  };
  if (issues.length > 0) throw new InvalidRolloutPolicyError(issues);
  return policy;
}

const RING_NAMES = ["dev", "staging", "prod"];

/** Rings follow environments by default (policy.ts: dev 0, staging 1, prod 2); others are numbered. */
export function ringName(ring: number): string {
  return RING_NAMES[ring] ?? `ring ${ring}`;
}

/** How many failed clusters a ring of `clusters` tolerates. */
export function failureBudget(policy: RolloutPolicy, clusters: number): number {
  return Math.floor(clusters * policy.failureBudgetRatio + 1e-9);
}

/** ISO-8601 week of a UTC instant, e.g. `2026-W47` (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeekOf(at: Date): string {
  const day = (at.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstWeekMonday = firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000;
  const week = 1 + Math.floor((thursday.getTime() - 3 * 86_400_000 - firstWeekMonday) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The per-cluster operation id for a rollout (or catch-up, or manual start): stable, so a replay finds the same record. */
export function nodeImageOperationId(source: string, clusterId: string): string {
  return `nodeimage-${source}-${clusterId}`.replace(/[^A-Za-z0-9_.:-]/g, "-");
}

/** The fleet-wide rollout record lives in the `operations` container under this partition. */
export const FLEET_PARTITION = "fleet";
