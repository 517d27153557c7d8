/**
 * The one default of every operation's polling set (issue 25: one default per setting). The app
 * settings (shared/config: OPERATION_POLL_INTERVAL_SECONDS, OPERATION_POLL_MAX_INTERVAL_SECONDS,
 * HEALTH_SETTLE_SECONDS) default to these, the engine's plan defaults to them for instances whose
 * plan carries none, and the node-image rollout's policy defaults to them.
 *
 * 30 s to the first poll, doubling to 5 minutes: an AKS control-plane upgrade takes minutes and a
 * pool roll tens of minutes (https://learn.microsoft.com/azure/aks/upgrade-aks-cluster), and ARM's
 * Retry-After on AKS's operations is in this range. 5 minutes of settle before the health sample:
 * platform metrics describe the last minute and arrive minutes late
 * (https://learn.microsoft.com/azure/azure-monitor/essentials/metrics-index#microsoftcontainerservicemanagedclusters).
 */
export const DEFAULT_OPERATION_POLLING = {
  firstIntervalMs: 30_000,
  maxIntervalMs: 300_000,
  healthSettleMs: 300_000
} as const;
