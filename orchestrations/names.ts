/** Function names in one place: orchestrators schedule by these, functions/ registers by these. */
export const OrchestratorNames = {
  kubernetesUpgrade: "kubernetesUpgrade",
  approval: "approval"
} as const;

export const ActivityNames = {
  tryAcquireClusterLock: "tryAcquireClusterLock",
  releaseClusterLock: "releaseClusterLock",
  prepareKubernetesUpgrade: "prepareKubernetesUpgrade",
  startUpgradeStep: "startUpgradeStep",
  checkUpgradeStep: "checkUpgradeStep",
  captureClusterHealth: "captureClusterHealth",
  updateOperation: "updateOperation",
  createApprovalRequest: "createApprovalRequest",
  postTeamsMessage: "postTeamsMessage"
} as const;

export const EventNames = {
  /** Raised on an approval instance by `POST /api/approvals/{token}`. */
  approvalDecision: "approvalDecision"
} as const;

/** Deterministic instance ids: a duplicate trigger must not start a second instance. */
export const InstanceIds = {
  kubernetesUpgrade: (clusterId: string, targetVersion: string): string => `k8s-upgrade:${clusterId}:${targetVersion}`,
  approval: (parentInstanceId: string, stepIndex: number, attempt = 0): string =>
    `${parentInstanceId}:approval:${stepIndex}${attempt > 0 ? `:${attempt}` : ""}`
} as const;
