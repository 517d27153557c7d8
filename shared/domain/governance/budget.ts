/**
 * Desired-state comparison of the budget the platform owns on a cluster's resource group (pure):
 * PLATFORM_BUDGET, Cost, monthly, the policy's amount, notifications at 50/75/90 % actual and
 * 100 % forecast to the platform's action group.
 */
import { BUDGET_NOTIFICATIONS, PLATFORM_BUDGET } from "./desired";

export interface BudgetNotification {
  enabled: boolean;
  operator: string;
  threshold: number;
  thresholdType?: string | undefined;
  contactGroups?: string[] | undefined;
  contactEmails?: string[] | undefined;
}

/** A budget as ARM answers it (the SDK's flattened shape, the fields compared). */
export interface ObservedBudget {
  amount?: number | undefined;
  timeGrain?: string | undefined;
  category?: string | undefined;
  notifications?: Record<string, BudgetNotification> | undefined;
}

export interface DesiredBudget {
  name: string;
  category: "Cost";
  amount: number;
  timeGrain: "Monthly";
  timePeriod: { startDate: string };
  notifications: Record<string, BudgetNotification & { contactGroups: string[]; contactEmails: string[]; thresholdType: string }>;
}

/** The first of the UTC month of `now`: a budget's start date must be the first of a month. */
export function monthStart(now: number): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
}

export function desiredBudget(amount: number, actionGroupId: string, now: number): DesiredBudget {
  const notifications: DesiredBudget["notifications"] = {};
  for (const n of BUDGET_NOTIFICATIONS) {
    notifications[n.key] = { enabled: true, operator: "GreaterThanOrEqualTo", threshold: n.threshold, thresholdType: n.thresholdType, contactGroups: [actionGroupId], contactEmails: [] };
  }
  return { name: PLATFORM_BUDGET, category: "Cost", amount, timeGrain: "Monthly", timePeriod: { startDate: monthStart(now) }, notifications };
}

export interface BudgetComparison {
  status: "pass" | "fail";
  /** What differs, one phrase each (empty on a pass). */
  differences: string[];
  evidence: string;
  fingerprint: string;
}

export function compareBudget(observed: ObservedBudget | undefined, desired: DesiredBudget): BudgetComparison {
  if (!observed) {
    return { status: "fail", differences: ["missing"], evidence: `The budget ${desired.name} does not exist on the cluster's resource group`, fingerprint: "missing" };
  }
  const differences: string[] = [];
  if (observed.amount !== desired.amount) differences.push(`amount ${String(observed.amount)} instead of ${desired.amount}`);
  if (observed.timeGrain !== desired.timeGrain) differences.push(`time grain ${String(observed.timeGrain)} instead of ${desired.timeGrain}`);
  const seen = observed.notifications ?? {};
  for (const [key, want] of Object.entries(desired.notifications)) {
    // Keys are case-insensitive in the service's answers; thresholds and types are what matter.
    const have = Object.entries(seen).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (!have) { differences.push(`notification ${key} missing`); continue; }
    const groups = (have.contactGroups ?? []).map((g) => g.toLowerCase());
    if (!have.enabled) differences.push(`notification ${key} disabled`);
    if (have.threshold !== want.threshold) differences.push(`notification ${key} at ${have.threshold} % instead of ${want.threshold} %`);
    if ((have.thresholdType ?? "Actual") !== want.thresholdType) differences.push(`notification ${key} on ${have.thresholdType ?? "Actual"} instead of ${want.thresholdType}`);
    if (!groups.includes(want.contactGroups[0]!.toLowerCase())) differences.push(`notification ${key} does not notify the platform's action group`);
  }
  return differences.length
    ? { status: "fail", differences, evidence: `${desired.name}: ${differences.join("; ")}`, fingerprint: differences.join("|") }
    : { status: "pass", differences, evidence: `${desired.name}: ${desired.amount} monthly, 50/75/90 % actual and 100 % forecast to the platform`, fingerprint: "" };
}
