/**
 * Simulator module "budgets" (sim-services). Stub until the kernel lands; the kernel's
 * startAzureSimulator calls registerBudgets(kernel) once at start.
 */
export function registerBudgets(kernel: unknown): void {
  void kernel;
}
