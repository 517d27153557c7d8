import { billableNodes, type ClusterState } from "../monitor/fleetState";
import { controlPlaneHourlyPrice, vmHourlyPrice } from "./prices";

/**
 * Spend for a budget: simulated node-hours (and control-plane hours) priced from the VM table,
 * integrated over the cluster state history within the budget's current time grain.
 */

const HOUR_MS = 3_600_000;

export type TimeGrain = "Monthly" | "Quarterly" | "Annually" | "BillingMonth" | "BillingQuarter" | "BillingAnnual";

const GRAIN_MONTHS: Record<TimeGrain, number> = { Monthly: 1, BillingMonth: 1, Quarterly: 3, BillingQuarter: 3, Annually: 12, BillingAnnual: 12 };

export function isTimeGrain(v: unknown): v is TimeGrain {
  return typeof v === "string" && v in GRAIN_MONTHS;
}

/**
 * The current period of a budget: grains count from the budget's start date (the first of a month,
 * as the API requires), so a Quarterly budget starting in February runs Feb-Apr, May-Jul, ...
 * Before the start date there is no period; after the end date the last period stays current.
 */
export function currentPeriod(grain: TimeGrain, startDate: number, endDate: number | undefined, now: number): { from: number; to: number } | undefined {
  if (now < startDate) return undefined;
  const at = endDate !== undefined ? Math.min(now, endDate) : now;
  const start = new Date(startDate);
  const months = GRAIN_MONTHS[grain];
  const a = new Date(at);
  const elapsedMonths = (a.getUTCFullYear() - start.getUTCFullYear()) * 12 + (a.getUTCMonth() - start.getUTCMonth());
  const k = Math.floor(elapsedMonths / months);
  const from = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + k * months, 1);
  const to = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (k + 1) * months, 1);
  return { from, to };
}

/** USD per hour a cluster costs in a given state. */
export function hourlyRate(state: ClusterState): number {
  const nodes = state.pools.reduce((sum, pool) => sum + billableNodes(pool, state) * vmHourlyPrice(pool.vmSize), 0);
  const controlPlane = state.powerState === "Stopped" ? 0 : controlPlaneHourlyPrice(state.tier);
  return nodes + controlPlane;
}

export interface StateSegment {
  from: number;
  to: number;
  state: ClusterState;
}

/** Cost of a cluster over state segments (each a span of time in one state). */
export function segmentsCost(segments: StateSegment[]): number {
  return segments.reduce((sum, s) => sum + hourlyRate(s.state) * Math.max(0, s.to - s.from) / HOUR_MS, 0);
}

/** Linear forecast: what is spent so far plus the present run rate until the period ends. */
export function forecast(spent: number, ratePerHour: number, now: number, periodEnd: number): number {
  return spent + ratePerHour * Math.max(0, periodEnd - now) / HOUR_MS;
}

export function roundMoney(n: number): number {
  return Math.round(n * 100) / 100;
}
