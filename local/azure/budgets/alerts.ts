import type { ArmResource } from "../kernel";

/**
 * Budget notifications that Azure would have sent: a notification fires when the actual spend
 * (thresholdType Actual, the default) or the forecast (Forecasted) compared with its operator
 * reaches `threshold` percent of the amount. The simulator sends no mail; it records the first time
 * it saw each notification crossed (budgets are evaluated whenever their spend is computed) so
 * tests and the demo can show what would have gone out, at `GET /_sim/budgets/alerts`.
 */

export interface BudgetAlert {
  budget: string;
  notification: string;
  thresholdType: "Actual" | "Forecasted";
  operator: string;
  threshold: number;
  amount: number;
  spend: number;
  contactEmails: string[];
  firstSeenAt: string;
}

interface Notification {
  enabled?: boolean;
  operator?: string;
  threshold?: number;
  thresholdType?: string;
  contactEmails?: string[];
}

export class BudgetAlerts {
  private readonly alerts = new Map<string, BudgetAlert>();

  /** Records notifications crossed by the budget's current spend and forecast. */
  evaluate(budget: ArmResource, spend: { current: number; forecast: number; periodStart?: string }, now: number): void {
    const props = budget.properties ?? {};
    const amount = typeof props["amount"] === "number" ? props["amount"] : 0;
    if (amount <= 0) return;
    const notifications = (props["notifications"] ?? {}) as Record<string, Notification>;
    for (const [name, n] of Object.entries(notifications)) {
      if (!n.enabled || typeof n.threshold !== "number") continue;
      const thresholdType = n.thresholdType === "Forecasted" ? "Forecasted" : "Actual";
      const value = thresholdType === "Forecasted" ? spend.forecast : spend.current;
      const percent = (value / amount) * 100;
      const crossed = n.operator === "EqualTo" ? percent >= n.threshold : n.operator === "GreaterThanOrEqualTo" ? percent >= n.threshold : percent > n.threshold;
      // One alert per notification and budget period, as Azure notifies once per period.
      const key = `${budget.id.toLowerCase()}|${name}|${spend.periodStart ?? ""}`;
      if (!crossed || this.alerts.has(key)) continue;
      this.alerts.set(key, {
        budget: budget.id, notification: name, thresholdType, operator: n.operator ?? "GreaterThan", threshold: n.threshold,
        amount, spend: value, contactEmails: n.contactEmails ?? [], firstSeenAt: new Date(now).toISOString()
      });
    }
  }

  list(): BudgetAlert[] {
    return [...this.alerts.values()];
  }
}
