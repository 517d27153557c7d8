import { ArmError } from "../kernel";
import { type AksContext } from "./context";
import { aksErrors } from "./errors";
import { CLUSTER_TEMPLATE, clusterIdFrom, maintenanceConfigId } from "./ids";
import type { ClusterResource } from "./model";

const TYPE = "Microsoft.ContainerService/managedClusters/maintenanceConfigurations";

/**
 * AKS accepts three configurations (https://learn.microsoft.com/azure/aks/planned-maintenance):
 * `default` (weekly `timeInWeek` slots, `notAllowedTime`) and the two schedules with a
 * `maintenanceWindow` (`aksManagedAutoUpgradeSchedule`, `aksManagedNodeOSUpgradeSchedule`).
 */
export const MAINTENANCE_CONFIG_NAMES = ["default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"] as const;

const SCHEDULE_KINDS = ["daily", "weekly", "absoluteMonthly", "relativeMonthly"];

function invalid(message: string): ArmError {
  return new ArmError(400, "InvalidParameter", message);
}

export function validateMaintenanceConfig(name: string, properties: Record<string, unknown>): void {
  if (name === "default") {
    if (properties.maintenanceWindow !== undefined) throw invalid("maintenanceWindow is not supported for the 'default' maintenance configuration; use timeInWeek.");
    const slots = properties.timeInWeek;
    if (slots !== undefined && !Array.isArray(slots)) throw invalid("timeInWeek must be an array.");
    return;
  }
  const window = properties.maintenanceWindow as Record<string, unknown> | undefined;
  if (!window || typeof window !== "object") throw invalid(`maintenanceWindow is required for the '${name}' maintenance configuration.`);
  const schedule = window.schedule as Record<string, unknown> | undefined;
  const kinds = schedule && typeof schedule === "object" ? SCHEDULE_KINDS.filter((k) => schedule[k] !== undefined) : [];
  if (kinds.length !== 1) throw invalid("maintenanceWindow.schedule must set exactly one of daily, weekly, absoluteMonthly or relativeMonthly.");
  if (typeof window.durationHours !== "number" || window.durationHours < 4 || window.durationHours > 24) {
    throw invalid("maintenanceWindow.durationHours must be between 4 and 24.");
  }
  if (typeof window.startTime !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(window.startTime)) {
    throw invalid("maintenanceWindow.startTime must be in the format 'HH:mm'.");
  }
  if (name === "aksManagedNodeOSUpgradeSchedule" && kinds[0] === "daily") {
    // Node OS schedules may be daily; auto-upgrade schedules are at least weekly.
    return;
  }
  if (name === "aksManagedAutoUpgradeSchedule" && kinds[0] === "daily") {
    throw invalid("Daily schedule is not supported for the 'aksManagedAutoUpgradeSchedule' maintenance configuration.");
  }
}

export function registerMaintenanceConfigurations(ctx: AksContext): void {
  const { kernel } = ctx;
  const one = `${CLUSTER_TEMPLATE}/maintenanceConfigurations/{configName}`;
  const cluster = (p: Record<string, string>): ClusterResource => {
    const c = kernel.store.get<ClusterResource>(clusterIdFrom(p));
    if (!c) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    return c;
  };
  const canonicalName = (name: string): string => {
    const found = MAINTENANCE_CONFIG_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
    if (!found) throw invalid(`Maintenance configuration name '${name}' is not supported. Supported names: ${MAINTENANCE_CONFIG_NAMES.join(", ")}.`);
    return found;
  };

  kernel.router.arm("PUT", one, (req, p) => {
    const c = cluster(p);
    const name = canonicalName(p.configName ?? "");
    const properties = ((req.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
    validateMaintenanceConfig(name, properties);
    const id = maintenanceConfigId(c.id, name);
    const existed = kernel.store.has(id);
    const stored = kernel.store.put(id, { ...kernel.store.envelope(id, { properties }), type: TYPE });
    return { status: existed ? 200 : 201, body: stored };
  }, { operation: "MaintenanceConfigurations_CreateOrUpdate", kind: "write" });

  kernel.router.arm("GET", one, (_req, p) => {
    const c = cluster(p);
    const config = kernel.store.get(maintenanceConfigId(c.id, p.configName ?? ""));
    if (!config) throw new ArmError(404, "NotFound", `Maintenance configuration '${p.configName}' not found.`);
    return { status: 200, body: config };
  }, { operation: "MaintenanceConfigurations_Get", kind: "read" });

  kernel.router.arm("GET", `${CLUSTER_TEMPLATE}/maintenanceConfigurations`, (req, p) => {
    const c = cluster(p);
    return kernel.page(req, kernel.store.list({ prefix: c.id, type: TYPE }));
  }, { operation: "MaintenanceConfigurations_ListByManagedCluster", kind: "read" });

  kernel.router.arm("DELETE", one, (_req, p) => {
    const c = cluster(p);
    return { status: kernel.store.delete(maintenanceConfigId(c.id, p.configName ?? "")) ? 200 : 204 };
  }, { operation: "MaintenanceConfigurations_Delete", kind: "delete" });
}
