/**
 * Whether a budget alert is worth acting on (pure): the payload is not trusted (anyone who can read
 * the action group sees the webhook's function key), so the alert is checked against the budget
 * as ARM has it now. It is genuine only when ARM has that budget, with an enabled notification of
 * the alert's type at the alert's threshold, and ARM's current spend (for `Actual`) or forecast
 * spend (for `Forecasted`) really is at or past that share of ARM's amount.
 */
import type { BudgetNotification } from "./budget";

export interface ArmBudgetReading {
  amount?: number | undefined;
  notifications?: Record<string, BudgetNotification> | undefined;
  currentSpend?: { amount?: number | undefined } | undefined;
  forecastSpend?: { amount?: number | undefined } | undefined;
}

export interface AlertClaim {
  budgetName: string;
  scope: string;
  /** Percent, from the payload's amounts. */
  threshold: number;
  thresholdType: "Actual" | "Forecasted";
}

export type AlertVerdict =
  | { genuine: true; notification: string; amount: number; spent: number; forecast?: number; reason: string }
  | { genuine: false; reason: string; amount?: number; spent?: number; forecast?: number };

const OPERATORS: Record<string, (spend: number, line: number) => boolean> = {
  equalto: (s, l) => s === l,
  greaterthan: (s, l) => s > l,
  greaterthanorequalto: (s, l) => s >= l
};

export function verifyBudgetAlert(budget: ArmBudgetReading | undefined, claim: AlertClaim): AlertVerdict {
  if (!budget) return { genuine: false, reason: `ARM has no budget ${claim.budgetName} on ${claim.scope}` };
  const amount = budget.amount;
  const spent = budget.currentSpend?.amount;
  const forecast = budget.forecastSpend?.amount;
  const numbers = { ...(amount !== undefined ? { amount } : {}), ...(spent !== undefined ? { spent } : {}), ...(forecast !== undefined ? { forecast } : {}) };
  if (amount === undefined || amount <= 0) return { genuine: false, reason: `ARM's budget ${claim.budgetName} has no amount`, ...numbers };
  const match = Object.entries(budget.notifications ?? {}).find(([, n]) => n.enabled
    && (n.thresholdType ?? "Actual") === claim.thresholdType && Math.abs(n.threshold - claim.threshold) < 0.5);
  if (!match) return { genuine: false, reason: `ARM's budget ${claim.budgetName} has no enabled ${claim.thresholdType.toLowerCase()} notification at ${claim.threshold} %`, ...numbers };
  const [key, notification] = match;
  const spend = claim.thresholdType === "Actual" ? spent : forecast;
  const line = (amount * notification.threshold) / 100;
  const what = claim.thresholdType === "Actual" ? "current spend" : "forecast spend";
  if (spend === undefined) return { genuine: false, reason: `ARM reports no ${what} for ${claim.budgetName}`, ...numbers };
  const crossed = (OPERATORS[(notification.operator ?? "").toLowerCase()] ?? OPERATORS.greaterthanorequalto!)(spend, line);
  return crossed
    ? { genuine: true, notification: key, amount, spent: spent ?? 0, ...(forecast !== undefined ? { forecast } : {}), reason: `ARM's ${what} ${spend} is past ${notification.threshold} % of ${amount} (${line})` }
    : { genuine: false, reason: `ARM's ${what} ${spend} is below ${notification.threshold} % of ${amount} (${line}): the alert does not match ARM`, ...numbers };
}
