/**
 * Simulator module "teams" (sim-services). Stub until the kernel lands; the kernel's
 * startAzureSimulator calls registerTeams(kernel) once at start.
 */
export function registerTeams(kernel: unknown): void {
  void kernel;
}
