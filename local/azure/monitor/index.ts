/**
 * Simulator module "monitor" (sim-services). Stub until the kernel lands; the kernel's
 * startAzureSimulator calls registerMonitor(kernel) once at start.
 */
export function registerMonitor(kernel: unknown): void {
  void kernel;
}
