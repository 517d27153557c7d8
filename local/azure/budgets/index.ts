/**
 * Simulator module "budgets" (sim-services): `Microsoft.Consumption/budgets` at subscription and
 * resource-group scope, with `currentSpend` and `forecastSpend` that grow with the simulated
 * node-hours (priced from the table in prices.ts) over the budget's current time grain.
 * `GET /_sim/budgets/alerts` lists the notifications Azure would have sent (see alerts.ts).
 */
import type { SimKernel } from "../kernel";
import { fleetHistory } from "../monitor";
import { BudgetAlerts } from "./alerts";
import { budgetSpend, registerBudgetRoutes } from "./budgetRoutes";

export { budgetSpend } from "./budgetRoutes";
export type { BudgetAlert } from "./alerts";
export { VM_HOURLY_USD, CONTROL_PLANE_HOURLY_USD, vmHourlyPrice } from "./prices";

const SERVICE = "budgets";

export function registerBudgets(kernel: SimKernel): void {
  if (kernel.service(SERVICE)) return;
  kernel.provide(SERVICE, true);
  const fleet = fleetHistory(kernel);
  const alerts = new BudgetAlerts();
  registerBudgetRoutes(kernel, fleet, alerts);
  // Evaluates every budget first, so the list is current even if nobody read the budgets.
  kernel.router.control("GET", "/_sim/budgets/alerts", () => {
    for (const budget of kernel.store.list({ type: "Microsoft.Consumption/budgets" })) alerts.evaluate(budget, budgetSpend(kernel, fleet, budget), kernel.clock.now());
    return { status: 200, body: { value: alerts.list() } };
  });
}
