/** The platform's pure rules, importable by orchestrators: no I/O, no clock, no randomness. */
export * from "./versions";
export * from "./maintenanceWindow";
export * from "./policy";
export * from "./healthGate";
export * from "./calendar";
export { InvalidMaintenanceWindowError } from "./errors";
export type { GovernedResourceKind } from "./governance/logCategories";
