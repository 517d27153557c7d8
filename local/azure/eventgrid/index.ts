/**
 * Simulator module "eventgrid" (sim-services). Stub until the kernel lands; the kernel's
 * startAzureSimulator calls registerEventGrid(kernel) once at start.
 */
export function registerEventGrid(kernel: unknown): void {
  void kernel;
}
