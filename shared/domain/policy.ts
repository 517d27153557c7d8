import type { HealthGateThresholds } from "./healthGate";
import { type FieldIssue, type MaintenanceWindowSpec, maintenanceWindowIssues, maintenanceWindowOf } from "./maintenanceSchedule";
import type { TargetChannel } from "./versionEvents";
import { DEFAULT_BUDGET_AMOUNT } from "./governance/desired";
import { isRecord } from "./json";

export type Environment = "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

/** `oncePerUpgrade` asks before the first step of an upgrade; `everyStep` before each step. */
export type ApprovalMode = "none" | "oncePerUpgrade" | "everyStep";
export type ApprovalTimeoutAction = "reject" | "escalate";

export interface NodeImagePolicy {
  /** Rollout ring (0 first). Default from the environment: dev 0, staging 1, prod 2. */
  ring?: number;
  /**
   * The window used when the cluster has no `aksManagedNodeOSUpgradeSchedule` maintenance
   * configuration of its own (same shape as AKS's, so the same window maths applies).
   */
  window: MaintenanceWindowSpec;
}

export interface ClusterPolicy {
  approval: ApprovalMode;
  /** How long a card waits for a decision before `onApprovalTimeout` applies. */
  approvalTimeoutMinutes: number;
  /** `reject` (default) ends the operation as Expired; `escalate` posts once to `escalationChannel`, waits again, then rejects. */
  onApprovalTimeout: ApprovalTimeoutAction;
  /** Teams webhook URL of the second channel; required when escalating. */
  escalationChannel?: string;
  targetChannel: TargetChannel;
  allowPreview: boolean;
  nodeImage: NodeImagePolicy;
  healthGate: HealthGateThresholds;
  /** Budget and drift remediation (issue 13). Absent in records made before it: `governanceOf` gives the defaults. */
  governance?: Partial<GovernancePolicy>;
  /** Drain safety and the deprecated-API force window (issue 30). Absent: `upgradeSettingsOf` gives the defaults. */
  upgrade?: Partial<UpgradeSettingsPolicy>;
}

/**
 * How pools drain while they upgrade, written on each pool (`upgradeSettings` of the agent pool)
 * before its upgrade step, and how long a forced upgrade past AKS's deprecated-API block may start.
 * The fields and bounds are AKS's `AgentPoolUpgradeSettings` (REST spec
 * specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2025-10-01/managedClusters.json):
 * `drainTimeoutInMinutes` 1..1440 in the spec, 5..1440 here (issue 30: "5 minutes to 24 hours");
 * `undrainableNodeBehavior` `Cordon` | `Schedule` (AKS's default); `maxBlockedNodes` an integer or a
 * percentage of the pool, unset meaning maxSurge ("Upgrade options": learn.microsoft.com/azure/aks/upgrade-options).
 */
export interface UpgradeSettingsPolicy {
  drainTimeoutInMinutes: number;
  undrainableNodeBehavior: "Cordon" | "Schedule";
  /** `"2"` or `"10%"`; absent: AKS's default (the pool's maxSurge). */
  maxBlockedNodes?: string;
  /** The `until` of a forced upgrade: this many hours after the force decision (1..24). */
  forceUpgradeWindowHours: number;
}

/** AKS's own defaults (30 minutes, Schedule), with a shorter force window in prod. */
const UPGRADE_SETTINGS: Record<Environment, UpgradeSettingsPolicy> = {
  dev: { drainTimeoutInMinutes: 30, undrainableNodeBehavior: "Schedule", forceUpgradeWindowHours: 4 },
  staging: { drainTimeoutInMinutes: 30, undrainableNodeBehavior: "Schedule", forceUpgradeWindowHours: 4 },
  prod: { drainTimeoutInMinutes: 30, undrainableNodeBehavior: "Schedule", forceUpgradeWindowHours: 2 }
};

/** The cluster's upgrade settings: the environment's defaults under whatever the policy overrides. */
export function upgradeSettingsOf(policy: Pick<ClusterPolicy, "upgrade">, environment: string): UpgradeSettingsPolicy {
  const env = (ENVIRONMENTS as readonly string[]).includes(environment) ? environment as Environment : "prod";
  return { ...UPGRADE_SETTINGS[env], ...definedOnly(policy.upgrade ?? {}) };
}

/** How governance treats the cluster. */
export interface GovernancePolicy {
  /** Monthly budget on the cluster's resource group, in the billing currency. */
  budgetAmount: number;
  /** Drift is put right by the platform at once (`automatic`) or after an approval card (`approval`). */
  remediation: "automatic" | "approval";
  /** Budget alerts act (scale, stop, hold) or only post a card. */
  enforcement: "enforce" | "notify";
}

/** The cluster's governance policy, defaults by environment under whatever it overrides. */
export function governanceOf(policy: Pick<ClusterPolicy, "governance">, environment: Environment): GovernancePolicy {
  return { budgetAmount: DEFAULT_BUDGET_AMOUNT[environment], remediation: "automatic", enforcement: "enforce", ...(policy.governance ?? {}) };
}

/** What a caller may override: any subset, nested objects partially (a window is replaced whole). */
export interface PolicyOverrides {
  approval?: ApprovalMode;
  approvalTimeoutMinutes?: number;
  onApprovalTimeout?: ApprovalTimeoutAction;
  escalationChannel?: string;
  targetChannel?: TargetChannel;
  allowPreview?: boolean;
  nodeImage?: Partial<NodeImagePolicy>;
  healthGate?: Partial<HealthGateThresholds>;
  governance?: Partial<GovernancePolicy>;
  upgrade?: Partial<UpgradeSettingsPolicy>;
}

export class PolicyValidationError extends Error {
  readonly permanent = true as const;
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid policy: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`);
    this.name = "PolicyValidationError";
  }
}

const RING: Record<Environment, number> = { dev: 0, staging: 1, prod: 2 };

/**
 * Node-image fallback windows, two days apart (Monday, Wednesday, Friday at 01:00 UTC) so that one
 * weekly rollout can soak up to about 40 hours between rings and still reach the next ring's window
 * in the same week. A rollout triggered after Monday 01:00 UTC reaches dev the following week.
 */
const FALLBACK_WINDOW_DAY: Record<Environment, string> = { dev: "Monday", staging: "Wednesday", prod: "Friday" };

/**
 * Defaults by environment (issue 4): dev upgrades without asking, staging asks once per upgrade,
 * prod before every step. Health gates tighten towards prod; timeouts lengthen (prod waits a day
 * for a decision, then rejects).
 */
export function defaultPolicy(environment: Environment): ClusterPolicy {
  const byEnv = {
    dev: { approval: "none", approvalTimeoutMinutes: 60, healthGate: { minNodesReadyRatio: 0.9, minPodsReadyRatio: 0.8, maxPodsReadyDrop: 0.1, maxFailedPodsIncrease: 5, maxPendingPodsIncrease: 10 } },
    staging: { approval: "oncePerUpgrade", approvalTimeoutMinutes: 240, healthGate: { minNodesReadyRatio: 1, minPodsReadyRatio: 0.9, maxPodsReadyDrop: 0.05, maxFailedPodsIncrease: 2, maxPendingPodsIncrease: 5 } },
    prod: { approval: "everyStep", approvalTimeoutMinutes: 1440, healthGate: { minNodesReadyRatio: 1, minPodsReadyRatio: 0.95, maxPodsReadyDrop: 0.02, maxFailedPodsIncrease: 0, maxPendingPodsIncrease: 3 } }
  } as const satisfies Record<Environment, Pick<ClusterPolicy, "approval" | "approvalTimeoutMinutes" | "healthGate">>;
  const env = byEnv[environment];
  return {
    approval: env.approval,
    approvalTimeoutMinutes: env.approvalTimeoutMinutes,
    onApprovalTimeout: "reject",
    targetChannel: "supported",
    allowPreview: false,
    nodeImage: {
      ring: RING[environment],
      window: {
        schedule: { weekly: { intervalWeeks: 1, dayOfWeek: FALLBACK_WINDOW_DAY[environment] } },
        durationHours: environment === "prod" ? 6 : 4, startTime: "01:00", utcOffset: "+00:00"
      }
    },
    healthGate: { ...env.healthGate }
  };
}

/** The name AKS gives the maintenance configuration that governs node OS / node image upgrades. */
export const NODE_OS_MAINTENANCE_CONFIGURATION = "aksManagedNodeOSUpgradeSchedule";

/**
 * The window node-image upgrades of a cluster must respect: its own
 * `aksManagedNodeOSUpgradeSchedule` when it has one with a valid `maintenanceWindow`, else the
 * policy's fallback. `configurations` is what `maintenanceConfigurations.listByManagedCluster`
 * returns (SDK or wire shape).
 */
export function effectiveNodeImageWindow(
  configurations: readonly { name?: string; maintenanceWindow?: MaintenanceWindowSpec; properties?: { maintenanceWindow?: MaintenanceWindowSpec } }[] | undefined,
  policy: ClusterPolicy
): { source: "cluster" | "policy"; window: MaintenanceWindowSpec; ignored?: FieldIssue[] } {
  const own = (configurations ?? []).find((c) => c.name?.toLowerCase() === NODE_OS_MAINTENANCE_CONFIGURATION.toLowerCase());
  const window = maintenanceWindowOf(own);
  if (window) {
    const issues = maintenanceWindowIssues(window);
    if (issues.length === 0) return { source: "cluster", window };
    // AKS validates on write, so this means a shape we do not understand: say so and use the policy.
    return { source: "policy", window: policy.nodeImage.window, ignored: issues };
  }
  return { source: "policy", window: policy.nodeImage.window };
}

export function ringOf(policy: ClusterPolicy, environment: Environment): number {
  return policy.nodeImage.ring ?? RING[environment];
}

/** Overrides on top of defaults; nested objects merge field by field, a window replaces the default whole. */
export function mergePolicy(defaults: ClusterPolicy, overrides: PolicyOverrides | undefined): ClusterPolicy {
  if (!overrides) return structuredClone(defaults);
  const merged: ClusterPolicy = {
    ...structuredClone(defaults),
    ...definedOnly({
      approval: overrides.approval, approvalTimeoutMinutes: overrides.approvalTimeoutMinutes, onApprovalTimeout: overrides.onApprovalTimeout,
      escalationChannel: overrides.escalationChannel, targetChannel: overrides.targetChannel, allowPreview: overrides.allowPreview
    }),
    nodeImage: { ...structuredClone(defaults.nodeImage), ...definedOnly({ ring: overrides.nodeImage?.ring, window: overrides.nodeImage?.window && structuredClone(overrides.nodeImage.window) }) },
    healthGate: { ...defaults.healthGate, ...definedOnly(overrides.healthGate ?? {}) },
    // Governance stays absent unless overridden: `governanceOf` supplies the environment's defaults.
    ...(defaults.governance || overrides.governance ? { governance: { ...defaults.governance, ...definedOnly(overrides.governance ?? {}) } } : {}),
    ...(defaults.upgrade || overrides.upgrade ? { upgrade: { ...defaults.upgrade, ...definedOnly(overrides.upgrade ?? {}) } } : {})
  };
  return merged;
}

/** Defaults for the environment, the overrides on top, validated. Throws `PolicyValidationError` listing every problem. */
export function resolvePolicy(environment: Environment, overrides?: unknown): ClusterPolicy {
  const overrideIssues = overrides === undefined ? [] : validatePolicy(overrides, { partial: true });
  if (overrideIssues.length > 0) throw new PolicyValidationError(overrideIssues);
  const policy = mergePolicy(defaultPolicy(environment), overrides as PolicyOverrides | undefined);
  const issues = validatePolicy(policy);
  if (issues.length > 0) throw new PolicyValidationError(issues);
  return policy;
}

const TOP_LEVEL = ["approval", "approvalTimeoutMinutes", "onApprovalTimeout", "escalationChannel", "targetChannel", "allowPreview", "nodeImage", "healthGate", "governance", "upgrade"];
const UPGRADE_FIELDS = ["drainTimeoutInMinutes", "undrainableNodeBehavior", "maxBlockedNodes", "forceUpgradeWindowHours"];
const HEALTH_FIELDS: (keyof HealthGateThresholds)[] = ["minNodesReadyRatio", "minPodsReadyRatio", "maxPodsReadyDrop", "maxFailedPodsIncrease", "maxPendingPodsIncrease"];

/**
 * Every invalid field of a policy (or, with `partial`, of overrides), each named by its path
 * under `prefix`: what the HTTP API answers with a 400. Unknown fields are reported too, so a
 * typo is not silently ignored.
 */
export function validatePolicy(input: unknown, options: { partial?: boolean; prefix?: string } = {}): FieldIssue[] {
  const prefix = options.prefix ?? "policy";
  const partial = options.partial ?? false;
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string): void => {
    issues.push({ field: `${prefix}.${field}`, message });
  };
  if (!isRecord(input)) return [{ field: prefix, message: "must be an object" }];
  const has = (key: string): boolean => input[key] !== undefined;
  const required = (key: string): boolean => {
    if (has(key)) return true;
    if (!partial) add(key, "is required");
    return false;
  };

  for (const key of Object.keys(input)) if (!TOP_LEVEL.includes(key)) add(key, "is not a policy field");
  if (required("approval")) oneOf(input.approval, ["none", "oncePerUpgrade", "everyStep"], "approval", add);
  if (required("approvalTimeoutMinutes") && !isInt(input.approvalTimeoutMinutes, 1, 7 * 24 * 60)) add("approvalTimeoutMinutes", "must be a whole number of minutes from 1 to 10080 (7 days)");
  if (required("onApprovalTimeout")) oneOf(input.onApprovalTimeout, ["reject", "escalate"], "onApprovalTimeout", add);
  if (has("escalationChannel") && !isWebhookUrl(input.escalationChannel)) add("escalationChannel", "must be an https:// webhook URL");
  if (!partial && input.onApprovalTimeout === "escalate" && !has("escalationChannel")) add("escalationChannel", "is required when onApprovalTimeout is escalate");
  if (required("targetChannel")) oneOf(input.targetChannel, ["stable", "supported", "patch"], "targetChannel", add);
  if (required("allowPreview") && typeof input.allowPreview !== "boolean") add("allowPreview", "must be true or false");

  if (required("nodeImage")) {
    const nodeImage = input.nodeImage;
    if (!isRecord(nodeImage)) add("nodeImage", "must be an object");
    else {
      for (const key of Object.keys(nodeImage)) if (key !== "ring" && key !== "window") add(`nodeImage.${key}`, "is not a nodeImage field");
      if (nodeImage.ring !== undefined && !isInt(nodeImage.ring, 0, 9)) add("nodeImage.ring", "must be a whole number from 0 to 9");
      if (nodeImage.window !== undefined) issues.push(...maintenanceWindowIssues(nodeImage.window, `${prefix}.nodeImage.window`));
      else if (!partial) add("nodeImage.window", "is required");
    }
  }

  if (required("healthGate")) {
    const gate = input.healthGate;
    if (!isRecord(gate)) add("healthGate", "must be an object");
    else {
      for (const key of Object.keys(gate)) if (!(HEALTH_FIELDS as string[]).includes(key)) add(`healthGate.${key}`, "is not a health-gate field");
      for (const key of HEALTH_FIELDS) {
        const value = gate[key];
        if (value === undefined) {
          if (!partial) add(`healthGate.${key}`, "is required");
        } else if (key.endsWith("Increase") ? !isInt(value, 0, 100_000) : !isRatio(value)) {
          add(`healthGate.${key}`, key.endsWith("Increase") ? "must be a whole number ≥ 0" : "must be a ratio from 0 to 1");
        }
      }
    }
  }
  if (has("governance")) {
    const g = input.governance;
    if (!isRecord(g)) add("governance", "must be an object");
    else {
      for (const key of Object.keys(g)) if (!["budgetAmount", "remediation", "enforcement"].includes(key)) add(`governance.${key}`, "is not a governance field");
      if (g.budgetAmount !== undefined && !(typeof g.budgetAmount === "number" && Number.isFinite(g.budgetAmount) && g.budgetAmount > 0 && g.budgetAmount <= 1e9)) add("governance.budgetAmount", "must be a number greater than 0");
      if (g.remediation !== undefined) oneOf(g.remediation, ["automatic", "approval"], "governance.remediation", add);
      if (g.enforcement !== undefined) oneOf(g.enforcement, ["enforce", "notify"], "governance.enforcement", add);
    }
  }
  if (has("upgrade")) {
    const u = input.upgrade;
    if (!isRecord(u)) add("upgrade", "must be an object");
    else {
      for (const key of Object.keys(u)) if (!UPGRADE_FIELDS.includes(key)) add(`upgrade.${key}`, "is not an upgrade field");
      if (u.drainTimeoutInMinutes !== undefined && !isInt(u.drainTimeoutInMinutes, 5, 1440)) add("upgrade.drainTimeoutInMinutes", "must be a whole number of minutes from 5 to 1440 (24 hours)");
      if (u.undrainableNodeBehavior !== undefined) oneOf(u.undrainableNodeBehavior, ["Cordon", "Schedule"], "upgrade.undrainableNodeBehavior", add);
      // AKS's `maxBlockedNodes`: "an integer (e.g. '5') or a percentage (e.g. '50%')", like maxSurge.
      if (u.maxBlockedNodes !== undefined && !(typeof u.maxBlockedNodes === "string" && /^(?:[1-9]\d{0,2}|(?:100|[1-9]\d?)%)$/.test(u.maxBlockedNodes))) {
        add("upgrade.maxBlockedNodes", "must be a node count from 1 to 999 (\"2\") or a percentage from 1% to 100% (\"50%\")");
      }
      if (u.maxBlockedNodes !== undefined && u.undrainableNodeBehavior !== undefined && u.undrainableNodeBehavior !== "Cordon") add("upgrade.maxBlockedNodes", "applies only with undrainableNodeBehavior Cordon");
      if (u.forceUpgradeWindowHours !== undefined && !isInt(u.forceUpgradeWindowHours, 1, 24)) add("upgrade.forceUpgradeWindowHours", "must be a whole number of hours from 1 to 24");
    }
  }
  return issues;
}

function oneOf(value: unknown, allowed: string[], field: string, add: (field: string, message: string) => void): void {
  if (typeof value !== "string" || !allowed.includes(value)) add(field, `must be one of ${allowed.join(", ")}`);
}

function isInt(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function isRatio(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

/** Teams webhooks are https; `http://127.0.0.1`/`localhost` is accepted for local sinks. */
function isWebhookUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
  } catch {
    return false;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
