import type { ArmResource } from "../kernel";
import { CURRENCY } from "./prices";

/**
 * Budget notifications as Azure Cost Management fires them: a notification fires when the actual
 * spend (thresholdType Actual, the default) or the forecast (Forecasted), compared with its
 * operator, reaches `threshold` percent of the amount, once per notification and budget period.
 * Azure evaluates budgets on a schedule ("budgets are evaluated against these costs every 24
 * hours", https://learn.microsoft.com/azure/cost-management-billing/costs/tutorial-acm-create-budgets),
 * so reading a budget fires nothing; budgets/index.ts runs the evaluations on the simulator's
 * clock. The simulator sends no mail; `contactGroups` (action groups) get a webhook POST, and the
 * fired alerts are listed at `GET /_sim/budgets/alerts`.
 */

export interface BudgetAlert {
  budget: string;
  notification: string;
  thresholdType: "Actual" | "Forecasted";
  operator: string;
  threshold: number;
  amount: number;
  /** The value compared with the threshold (the actual spend or the forecast). */
  spend: number;
  current: number;
  forecast: number;
  unit: string;
  periodStart: string;
  contactEmails: string[];
  contactGroups: string[];
  firstSeenAt: string;
  /** Action-group deliveries started for it (`GET /_sim/action-groups/deliveries`). */
  deliveries: string[];
}

interface Notification {
  enabled?: boolean;
  operator?: string;
  threshold?: number;
  thresholdType?: string;
  contactEmails?: string[];
  contactGroups?: string[];
}

export class BudgetAlerts {
  private readonly alerts = new Map<string, BudgetAlert>();

  /** Fires the notifications the budget's current spend and forecast cross for the first time this period. */
  evaluate(budget: ArmResource, spend: { current: number; forecast: number; periodStart?: string }, now: number): BudgetAlert[] {
    const props = budget.properties ?? {};
    const amount = typeof props["amount"] === "number" ? props["amount"] : 0;
    if (amount <= 0 || spend.periodStart === undefined) return [];
    const notifications = (props["notifications"] ?? {}) as Record<string, Notification>;
    const fired: BudgetAlert[] = [];
    for (const [name, n] of Object.entries(notifications)) {
      if (!n.enabled || typeof n.threshold !== "number") continue;
      const thresholdType = n.thresholdType === "Forecasted" ? "Forecasted" : "Actual";
      const value = thresholdType === "Forecasted" ? spend.forecast : spend.current;
      const percent = (value / amount) * 100;
      const crossed = n.operator === "EqualTo" || n.operator === "GreaterThanOrEqualTo" ? percent >= n.threshold : percent > n.threshold;
      const key = `${budget.id.toLowerCase()}|${name.toLowerCase()}|${spend.periodStart}`;
      if (!crossed || this.alerts.has(key)) continue;
      const alert: BudgetAlert = {
        budget: budget.id, notification: name, thresholdType, operator: n.operator ?? "GreaterThan", threshold: n.threshold,
        amount, spend: value, current: spend.current, forecast: spend.forecast, unit: CURRENCY, periodStart: spend.periodStart,
        contactEmails: n.contactEmails ?? [], contactGroups: n.contactGroups ?? [], firstSeenAt: new Date(now).toISOString(), deliveries: []
      };
      this.alerts.set(key, alert);
      fired.push(alert);
    }
    return fired;
  }

  list(): BudgetAlert[] {
    return [...this.alerts.values()];
  }

  snapshot(): [string, BudgetAlert][] {
    return [...this.alerts.entries()];
  }

  restore(entries: [string, BudgetAlert][]): void {
    this.alerts.clear();
    for (const [k, v] of entries) this.alerts.set(k, v);
  }
}
