/**
 * The activity catalogue: every activity's signature, by name, taken from its factory (in the spirit
 * of Temporal's `proxyActivities<typeof activities>`). `call` (engine/call.ts) takes its input and
 * result types from here, and functions/ registers handlers against it, so an orchestrator cannot
 * send an activity the wrong input or read a result the activity does not answer, and no caller
 * chooses a result type. JSON crosses the durable boundary; both sides are typed by this one table.
 */
import type { ActivityNames } from "./names";
import type { createReleaseClusterLockActivity, createTryAcquireClusterLockActivity } from "./common/activities/clusterLock";
import type { createUpdateOperationActivity } from "./common/activities/updateOperation";
import type { createPostTeamsMessageActivity } from "./common/activities/postTeamsMessage";
import type { createPrepareKubernetesUpgradeActivity } from "./kubernetesUpgrade/activities/prepareKubernetesUpgrade";
import type { createClearForceUpgradeActivity, createRecordForceUpgradeActivity } from "./kubernetesUpgrade/activities/forceUpgrade";
import type { createCheckUpgradeStepActivity, createStartUpgradeStepActivity } from "./kubernetesUpgrade/activities/upgradeStep";
import type { createCaptureClusterHealthActivity } from "./kubernetesUpgrade/activities/captureClusterHealth";
import type { createCreateApprovalRequestActivity } from "./approval/activities/createApprovalRequest";
import type { createVerifyApprovalDecisionActivity } from "./approval/activities/verifyApprovalDecision";
import type { createCheckAutoUpgradeDisableActivity, createStartAutoUpgradeDisableActivity } from "./adoption/activities/autoUpgradeProfile";
import type { createEnsureEventSubscriptionActivity } from "./adoption/activities/ensureEventSubscription";
import type { createEvaluateConformanceActivity } from "./conformance/activities/conformance";
import type { NodeImageActivities } from "./nodeImageRollout/activities";
import type { createPlanProvisioningActivity } from "./provisioning/activities/planProvisioning";
import type { createCheckArmResourcePutActivity, createStartArmResourcePutActivity } from "./provisioning/activities/armResourcePut";
import type { createRegisterProvisionedClusterActivity } from "./provisioning/activities/registerProvisionedCluster";
import type {
  createCheckClusterStopActivity, createCheckPoolScaleActivity, createPutBudgetActivity, createPutDiagnosticSettingActivity,
  createStartClusterStopActivity, createStartPoolScaleActivity
} from "./governance/activities/governanceSteps";
import type { ClusterSweepResult, SweepCluster } from "./governance/sweepOrchestrator";
import type { GovernanceReviewSubject, GovernanceSubjectReview } from "./governance/reviewOrchestrator";
import type { StartStepResult, StepState } from "./common/contracts";

type Made<F extends (...args: never[]) => unknown> = ReturnType<F>;

/** The request of a step action's activities (the engine's requestOf). */
export interface StepActivityRequest {
  clusterId: string;
  operationId: string;
  resourceId: string;
  step: { index: number; [detail: string]: unknown };
}

/** Every activity's handler signature (input → result), by name. */
export interface ActivitySignatures {
  [ActivityNames.tryAcquireClusterLock]: Made<typeof createTryAcquireClusterLockActivity>;
  [ActivityNames.releaseClusterLock]: Made<typeof createReleaseClusterLockActivity>;
  [ActivityNames.prepareKubernetesUpgrade]: Made<typeof createPrepareKubernetesUpgradeActivity>;
  [ActivityNames.recordForceUpgrade]: Made<typeof createRecordForceUpgradeActivity>;
  [ActivityNames.clearForceUpgrade]: Made<typeof createClearForceUpgradeActivity>;
  [ActivityNames.startUpgradeStep]: Made<typeof createStartUpgradeStepActivity>;
  [ActivityNames.checkUpgradeStep]: Made<typeof createCheckUpgradeStepActivity>;
  [ActivityNames.captureClusterHealth]: Made<typeof createCaptureClusterHealthActivity>;
  [ActivityNames.updateOperation]: Made<typeof createUpdateOperationActivity>;
  [ActivityNames.createApprovalRequest]: Made<typeof createCreateApprovalRequestActivity>;
  [ActivityNames.verifyApprovalDecision]: Made<typeof createVerifyApprovalDecisionActivity>;
  [ActivityNames.postTeamsMessage]: Made<typeof createPostTeamsMessageActivity>;
  [ActivityNames.startAutoUpgradeDisable]: Made<typeof createStartAutoUpgradeDisableActivity>;
  [ActivityNames.checkAutoUpgradeDisable]: Made<typeof createCheckAutoUpgradeDisableActivity>;
  [ActivityNames.ensureEventSubscription]: Made<typeof createEnsureEventSubscriptionActivity>;
  [ActivityNames.evaluateConformance]: Made<typeof createEvaluateConformanceActivity>;
  [ActivityNames.planNodeImageRollout]: NodeImageActivities[typeof ActivityNames.planNodeImageRollout];
  [ActivityNames.listNodeImageRingPage]: NodeImageActivities[typeof ActivityNames.listNodeImageRingPage];
  [ActivityNames.listNodeImageCatchUpPage]: NodeImageActivities[typeof ActivityNames.listNodeImageCatchUpPage];
  [ActivityNames.prepareNodeImageUpgrade]: NodeImageActivities[typeof ActivityNames.prepareNodeImageUpgrade];
  [ActivityNames.readNodeImageState]: NodeImageActivities[typeof ActivityNames.readNodeImageState];
  [ActivityNames.startNodeImageUpgrade]: NodeImageActivities[typeof ActivityNames.startNodeImageUpgrade];
  [ActivityNames.checkNodeImageUpgrade]: NodeImageActivities[typeof ActivityNames.checkNodeImageUpgrade];
  [ActivityNames.recordNodeImageRollout]: NodeImageActivities[typeof ActivityNames.recordNodeImageRollout];
  [ActivityNames.postNodeImageSummary]: NodeImageActivities[typeof ActivityNames.postNodeImageSummary];
  [ActivityNames.readOperationCancellation]: NodeImageActivities[typeof ActivityNames.readOperationCancellation];
  [ActivityNames.planProvisioning]: Made<typeof createPlanProvisioningActivity>;
  [ActivityNames.startArmResourcePut]: Made<typeof createStartArmResourcePutActivity>;
  [ActivityNames.checkArmResourcePut]: Made<typeof createCheckArmResourcePutActivity>;
  [ActivityNames.registerProvisionedCluster]: Made<typeof createRegisterProvisionedClusterActivity>;
  [ActivityNames.putDiagnosticSetting]: Made<typeof createPutDiagnosticSettingActivity>;
  [ActivityNames.putBudget]: Made<typeof createPutBudgetActivity>;
  [ActivityNames.startPoolScale]: Made<typeof createStartPoolScaleActivity>;
  [ActivityNames.checkPoolScale]: Made<typeof createCheckPoolScaleActivity>;
  [ActivityNames.startClusterStop]: Made<typeof createStartClusterStopActivity>;
  [ActivityNames.checkClusterStop]: Made<typeof createCheckClusterStopActivity>;
  // Governance reviews run over the app's whole platform (functions/handlers/governance*.ts): their signatures are stated here.
  [ActivityNames.startGovernanceReview]: (input: StepActivityRequest) => Promise<StartStepResult>;
  [ActivityNames.checkGovernanceReview]: (input: StepActivityRequest) => Promise<StepState>;
  [ActivityNames.listSweepClusters]: (input: Record<string, never>) => Promise<(string | SweepCluster)[]>;
  [ActivityNames.sweepCluster]: (input: { clusterId: string }) => Promise<ClusterSweepResult>;
  [ActivityNames.reviewGovernanceSubject]: (input: { clusterId: string; subject: GovernanceReviewSubject; eventId: string }) => Promise<GovernanceSubjectReview>;
}

export type ActivityName = keyof ActivitySignatures;
export type ActivityInput<K extends ActivityName> = Parameters<ActivitySignatures[K]>[0];
export type ActivityOutput<K extends ActivityName> = Awaited<ReturnType<ActivitySignatures[K]>>;
/** A handler functions/ registers for `K`: the factory's own function, or one answering the same. */
export type ActivityHandler<K extends ActivityName> = (input: ActivityInput<K>) => Promise<ActivityOutput<K>> | ActivityOutput<K>;

/** The activities a step action starts with: each answers the engine's StartStepResult. */
export type StepStartActivity = {
  [K in ActivityName]: ActivityOutput<K> extends StartStepResult ? K : never
}[ActivityName];
/** The activities a step action is checked with: each answers the engine's StepState. */
export type StepCheckActivity = {
  [K in ActivityName]: ActivityOutput<K> extends StepState ? K : never
}[ActivityName];
