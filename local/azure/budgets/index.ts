/**
 * Simulator module "budgets" (sim-services): `Microsoft.Consumption/budgets` at subscription and
 * resource-group scope, with `currentSpend` and `forecastSpend` that grow with the simulated
 * node-hours (priced from the table in prices.ts) over the budget's current time grain.
 */
import type { SimKernel } from "../kernel";
import { fleetHistory } from "../monitor";
import { registerBudgetRoutes } from "./budgetRoutes";

export { budgetSpend } from "./budgetRoutes";
export { VM_HOURLY_USD, CONTROL_PLANE_HOURLY_USD, vmHourlyPrice } from "./prices";

const SERVICE = "budgets";

export function registerBudgets(kernel: SimKernel): void {
  if (kernel.service(SERVICE)) return;
  kernel.provide(SERVICE, true);
  registerBudgetRoutes(kernel, fleetHistory(kernel));
}
