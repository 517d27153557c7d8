/** Function names in one place: orchestrators schedule by these, functions/ registers by these. */
export const OrchestratorNames = {
  kubernetesUpgrade: "kubernetesUpgrade",
  /** One step of any operation (orchestrations/engine/stepOrchestrator.ts). */
  operationStep: "operationStep",
  approval: "approval",
  adoption: "adoption",
  nodeImageRollout: "nodeImageRollout",
  nodeImageRing: "nodeImageRing",
  nodeImageClusterPage: "nodeImageClusterPage",
  nodeImageUpgrade: "nodeImageUpgrade",
  nodeImageCatchUp: "nodeImageCatchUp",
  /** Provisioning a baseline cluster (orchestrations/provisioning). */
  provisioning: "provisioning",
  /** A governance remediation or enforcement (orchestrations/governance). */
  governance: "governance",
  /** The governance sweep over the registry (the timer `governanceSweep` starts it), and one page of its clusters. */
  governanceSweep: "governanceSweepRun",
  governanceSweepPage: "governanceSweepPage",
  /** Posts one Teams message about an operation with the usual hour of retries (the cancel route's card). */
  operationNotice: "operationNotice",
  /** Resource events about one cluster's governance subject, coalesced into one review (orchestrations/governance/reviewOrchestrator.ts). */
  governanceReview: "governanceReview"
} as const;

export const ActivityNames = {
  tryAcquireClusterLock: "tryAcquireClusterLock",
  releaseClusterLock: "releaseClusterLock",
  prepareKubernetesUpgrade: "prepareKubernetesUpgrade",
  /** AKS's deprecated-API block forced through (issue 30): the approved decision recorded, the override cleared after. */
  recordForceUpgrade: "recordForceUpgrade",
  clearForceUpgrade: "clearForceUpgrade",
  startUpgradeStep: "startUpgradeStep",
  checkUpgradeStep: "checkUpgradeStep",
  captureClusterHealth: "captureClusterHealth",
  updateOperation: "updateOperation",
  createApprovalRequest: "createApprovalRequest",
  verifyApprovalDecision: "verifyApprovalDecision",
  postTeamsMessage: "postTeamsMessage",
  startAutoUpgradeDisable: "startAutoUpgradeDisable",
  checkAutoUpgradeDisable: "checkAutoUpgradeDisable",
  ensureEventSubscription: "ensureEventSubscription",
  /** Reads ARM, judges the baseline rules, records the findings (adoption's last step). */
  evaluateConformance: "evaluateConformance",
  planNodeImageRollout: "planNodeImageRollout",
  listNodeImageRingPage: "listNodeImageRingPage",
  listNodeImageCatchUpPage: "listNodeImageCatchUpPage",
  prepareNodeImageUpgrade: "prepareNodeImageUpgrade",
  readNodeImageState: "readNodeImageState",
  startNodeImageUpgrade: "startNodeImageUpgrade",
  checkNodeImageUpgrade: "checkNodeImageUpgrade",
  recordNodeImageRollout: "recordNodeImageRollout",
  postNodeImageSummary: "postNodeImageSummary",
  /** Who cancelled a cluster's node-image operation, if anyone (its page counts it skipped, not failed). */
  readOperationCancellation: "readOperationCancellation",
  // Provisioning (orchestrations/provisioning/activities)
  planProvisioning: "planProvisioning",
  startArmResourcePut: "startArmResourcePut",
  checkArmResourcePut: "checkArmResourcePut",
  registerProvisionedCluster: "registerProvisionedCluster",
  // --- governance (issue 13)
  putDiagnosticSetting: "putDiagnosticSetting",
  putBudget: "putBudget",
  /** Adoption's and provisioning's last step: the cluster's governance reviewed (budget, log categories) and its remediations awaited. */
  startGovernanceReview: "startGovernanceReview",
  checkGovernanceReview: "checkGovernanceReview",
  startPoolScale: "startPoolScale",
  checkPoolScale: "checkPoolScale",
  startClusterStop: "startClusterStop",
  checkClusterStop: "checkClusterStop",
  /** The sweep: the registry's cluster ids, then one cluster reviewed (settings, budget, missed versions). */
  listSweepClusters: "listSweepClusters",
  sweepCluster: "sweepCluster",
  /** One cluster's governance subject reviewed against ARM (the coalesced event path). */
  reviewGovernanceSubject: "reviewGovernanceSubject"
} as const;

export const EventNames = {
  /** Raised on an approval instance by `POST /api/approvals/{token}`. */
  approvalDecision: "approvalDecision",
  /** Raised on a running step by the Event Grid handler when AKS reports its pool finished rolling: wakes the step's check. */
  stepEvent: "stepEvent",
  /** Raised on a governance review that is reading ARM by a resource event that arrived meanwhile: one more round. */
  reviewRequested: "reviewRequested"
} as const;

/** Deterministic instance ids: a duplicate trigger must not start a second instance. */
export const InstanceIds = {
  kubernetesUpgrade: (clusterId: string, targetVersion: string): string => `k8s-upgrade:${clusterId}:${targetVersion}`,
  adoption: (clusterId: string): string => `adopt:${clusterId}`,
  /** One step of an operation run (a resumed run has its own instance id, so its steps do too). */
  step: (operationInstanceId: string, stepIndex: number): string => `${operationInstanceId}:step:${stepIndex}`,
  approval: (parentInstanceId: string, stepIndex: number, attempt = 0): string =>
    `${parentInstanceId}:approval:${stepIndex}${attempt > 0 ? `:${attempt}` : ""}`,
  /** One rollout per ISO week (`2026-W47`): a second trigger in the same week finds it and starts nothing. */
  nodeImageRollout: (isoWeek: string): string => `node-image-rollout:${isoWeek}`,
  nodeImageRing: (rolloutInstanceId: string, ring: number): string => `${rolloutInstanceId}:ring:${ring}`,
  nodeImageClusterPage: (parentInstanceId: string, page: number): string => `${parentInstanceId}:page:${page}`,
  /** Per rollout and cluster, so a replayed page never starts a cluster twice. */
  nodeImageUpgrade: (rolloutId: string, clusterId: string): string => `node-image:${rolloutId}:${clusterId}`,
  /** One daily catch-up sweep per UTC date (`2026-11-24`). */
  nodeImageCatchUp: (utcDate: string): string => `node-image-catchup:${utcDate}`,
  /** One provisioning operation per cluster name. */
  provisioning: (clusterName: string): string => `provision:${clusterName}`,
  /**
   * A governance operation on a cluster for one finding (`diagnostics`, `budget`) or alert, keyed by
   * what differs: the event path and the sweep seeing the same drift start one operation.
   */
  governance: (clusterId: string, subject: string, fingerprint: string): string => `governance:${clusterId}:${subject}:${fingerprint}`,
  /** One sweep per scheduled minute (`2026-12-03T18:00Z`): a second trigger of the same occurrence starts nothing. */
  governanceSweep: (minute: string): string => `governance-sweep:${minute}`,
  governanceSweepPage: (sweepInstanceId: string, page: number): string => `${sweepInstanceId}:page:${page}`,
  /** The Teams card saying an operation run (its instance) was cancelled: one per run, however often cancel is posted. */
  cancelNotice: (operationInstanceId: string): string => `${operationInstanceId}:cancelled`,
  /** One review at a time per cluster and subject: events within its window find it and are coalesced. */
  governanceReview: (clusterId: string, subject: string): string => `governance-review:${clusterId}:${subject}`
} as const;
