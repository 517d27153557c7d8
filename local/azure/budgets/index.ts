/**
 * Simulator module "budgets" (sim-services): `Microsoft.Consumption/budgets` at subscription and
 * resource-group scope, with `currentSpend` and `forecastSpend` that grow with the simulated
 * node-hours (priced from the table in prices.ts) over the budget's current time grain.
 * Budgets are evaluated every 24 hours of simulated time (× durationScale), at multiples of that
 * interval, as Azure evaluates them daily; a crossed notification fires once per period and is
 * POSTed to the webhook receivers of its `contactGroups` (monitor/actionGroupNotifier.ts).
 * Control API: `GET /_sim/budgets/alerts` (fired alerts), `POST /_sim/budgets/evaluate` (an
 * evaluation now, for demos).
 */
import type { CancelTimer } from "../../clock";
import type { SimKernel } from "../kernel";
import { fleetHistory, registerActionGroupNotifier, type FleetHistory } from "../monitor";
import { budgetAlertPayloads } from "./alertPayloads";
import { BudgetAlerts, type BudgetAlert } from "./alerts";
import { budgetSpend, registerBudgetRoutes } from "./budgetRoutes";

export { budgetSpend } from "./budgetRoutes";
export type { BudgetAlert } from "./alerts";
export { VM_HOURLY_USD, CONTROL_PLANE_HOURLY_USD, vmHourlyPrice } from "./prices";

const SERVICE = "budgets";
const TYPE = "Microsoft.Consumption/budgets";
export const BUDGET_EVALUATION_INTERVAL_MS = 24 * 3_600_000;

export function registerBudgets(kernel: SimKernel): void {
  if (kernel.service(SERVICE)) return;
  kernel.provide(SERVICE, true);
  const fleet = fleetHistory(kernel);
  const alerts = new BudgetAlerts();
  const schedule = new BudgetEvaluations(kernel, fleet, alerts);
  registerBudgetRoutes(kernel, fleet, () => schedule.arm());
  kernel.registerState("budgetAlerts", {
    save: () => alerts.snapshot(),
    load: (d) => { alerts.restore(d as [string, BudgetAlert][]); schedule.arm(); }
  });
  kernel.onDispose(() => schedule.stop());
  kernel.router.control("GET", "/_sim/budgets/alerts", () => ({ status: 200, body: { value: alerts.list() } }));
  kernel.router.control("POST", "/_sim/budgets/evaluate", () => ({ status: 200, body: { value: schedule.evaluate() } }));
}

/** The daily evaluation: armed while budgets exist, so an idle simulator keeps no timer. */
class BudgetEvaluations {
  private cancel: CancelTimer | undefined;
  private alertSeq = 0;

  constructor(private readonly kernel: SimKernel, private readonly fleet: FleetHistory, private readonly alerts: BudgetAlerts) {}

  arm(): void {
    if (this.cancel || this.kernel.store.list({ type: TYPE }).length === 0) return;
    const interval = this.kernel.scaled(BUDGET_EVALUATION_INTERVAL_MS);
    const next = (Math.floor(this.kernel.clock.now() / interval) + 1) * interval;
    this.cancel = this.kernel.clock.setTimer(next, () => {
      this.cancel = undefined;
      this.evaluate();
      this.arm();
    });
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Evaluates every budget now; returns the alerts that fired. */
  evaluate(): BudgetAlert[] {
    const { kernel } = this;
    const now = kernel.clock.now();
    const fired: BudgetAlert[] = [];
    for (const budget of kernel.store.list({ type: TYPE })) {
      for (const alert of this.alerts.evaluate(budget, budgetSpend(kernel, this.fleet, budget), now)) {
        fired.push(alert);
        if (alert.contactGroups.length === 0) continue;
        const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(budget.id)?.[1] ?? "";
        const payloads = budgetAlertPayloads(budget, alert, subscriptionId, now, `budget-alert-${now.toString(36)}-${++this.alertSeq}`);
        const records = registerActionGroupNotifier(kernel).notify(alert.contactGroups, payloads, budget.id);
        alert.deliveries.push(...records.map((r) => r.id));
      }
    }
    return fired;
  }
}
