import type { UpgradeHold } from "../../store";
/**
 * What a budget alert makes the platform do (pure): always a Teams card; in dev, 90 % of actual
 * spend scales the user pools to their minimum and 100 % of forecast stops the cluster outside
 * working hours; in staging and prod, non-urgent upgrades are held (new minors wait; patches and
 * node images continue) until an operator releases the hold.
 */
import type { Environment } from "../policy";

export interface BudgetAlertFacts {
  environment: Environment;
  /** Percent of the budget amount the notification is set at. */
  threshold: number;
  thresholdType: "Actual" | "Forecasted";
  /** When the alert arrived (epoch ms). */
  at: number;
  /** Working hours, UTC (default 08:00–18:00, Monday to Friday). */
  workingHours?: { startHour: number; endHour: number; days: number[] };
}

export type EnforcementAction = "card" | "scaleUserPoolsToMinimum" | "stopCluster" | "holdMinorUpgrades";

export interface Enforcement {
  actions: EnforcementAction[];
  /** Why each action beyond the card was or was not taken. */
  reason: string;
}

export const DEFAULT_WORKING_HOURS = { startHour: 8, endHour: 18, days: [1, 2, 3, 4, 5] };

export function isWorkingHours(at: number, hours = DEFAULT_WORKING_HOURS): boolean {
  const d = new Date(at);
  return hours.days.includes(d.getUTCDay()) && d.getUTCHours() >= hours.startHour && d.getUTCHours() < hours.endHour;
}

export function enforcementFor(facts: BudgetAlertFacts): Enforcement {
  const { environment, threshold, thresholdType } = facts;
  if (environment === "dev") {
    if (thresholdType === "Forecasted" && threshold >= 100) {
      return isWorkingHours(facts.at, facts.workingHours)
        ? { actions: ["card"], reason: "forecast past 100 % in working hours: the cluster keeps running" }
        : { actions: ["card", "stopCluster"], reason: "forecast past 100 % outside working hours: the cluster is stopped" };
    }
    if (thresholdType === "Actual" && threshold >= 90) return { actions: ["card", "scaleUserPoolsToMinimum"], reason: "actual spend past 90 %: user pools scaled to their minimum" };
    return { actions: ["card"], reason: `${thresholdType.toLowerCase()} spend past ${threshold} %: reported` };
  }
  if ((thresholdType === "Forecasted" && threshold >= 100) || (thresholdType === "Actual" && threshold >= 90)) {
    return { actions: ["card", "holdMinorUpgrades"], reason: "new minor versions wait until the hold is released; patches and node images continue" };
  }
  return { actions: ["card"], reason: `${thresholdType.toLowerCase()} spend past ${threshold} %: reported` };
}

/** Whether a hold stops an upgrade from `from` to `to`: only a new minor (or major) waits. */
export function heldByBudget(from: string, to: string): boolean {
  const minor = (v: string): string => v.split(".").slice(0, 2).join(".");
  return minor(from) !== minor(to);
}

/** The cluster's active budget hold, if any (one at a time). */
export function activeHold(cluster: { governance?: { holds?: readonly UpgradeHold[] } }): UpgradeHold | undefined {
  return (cluster.governance?.holds ?? []).find((h) => !h.releasedAt);
}
