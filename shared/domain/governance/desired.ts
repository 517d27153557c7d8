/**
 * The governed settings every managed cluster should have, shared by the baseline profile
 * (provisioning writes them first) and governance (keeps them so). Pure data.
 */
import type { Environment } from "../policy";

/**
 * The cluster's resource-log categories, to its Log Analytics workspace. `kube-audit` is never on
 * beside `kube-audit-admin` (same stream with reads added, at many times the cost), and
 * `kube-scheduler` stays off (BASELINE.md §4, `cluster-stamp.bicep:1105-1108`).
 */
export const CLUSTER_LOG_CATEGORIES = ["cluster-autoscaler", "kube-controller-manager", "kube-audit-admin", "guard"] as const;
export type ClusterLogCategory = (typeof CLUSTER_LOG_CATEGORIES)[number];

/** Categories that must be off while the desired ones are on. */
export const FORBIDDEN_CLUSTER_LOG_CATEGORIES = ["kube-audit", "kube-scheduler"] as const;

/** The diagnostic setting the platform owns on each cluster (others are reported, never deleted). */
export const PLATFORM_DIAGNOSTIC_SETTING = "aksops-cluster-logs";

/** Azure allows at most five diagnostic settings per resource. */
export const MAX_DIAGNOSTIC_SETTINGS = 5;

/** The budget the platform owns on each cluster's resource group. */
export const PLATFORM_BUDGET = "aksops-budget";

/** Notifications: 50 / 75 / 90 % of actual spend and 100 % of forecast (BASELINE.md §5). */
export const BUDGET_NOTIFICATIONS: readonly { key: string; threshold: number; thresholdType: "Actual" | "Forecasted" }[] = [
  { key: "actual50", threshold: 50, thresholdType: "Actual" },
  { key: "actual75", threshold: 75, thresholdType: "Actual" },
  { key: "actual90", threshold: 90, thresholdType: "Actual" },
  { key: "forecast100", threshold: 100, thresholdType: "Forecasted" }
];

/**
 * Monthly budget amount (in the billing currency) by environment, unless the cluster's policy says
 * otherwise. Sized above what a baseline-shaped cluster of five D4ds_v5 nodes costs in a month
 * (about 840 USD), so a cluster's ordinary running does not trip dev's enforcement.
 */
export const DEFAULT_BUDGET_AMOUNT: Record<Environment, number> = { dev: 1500, staging: 3000, prod: 10000 };
