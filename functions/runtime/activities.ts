import { ActivityNames } from "../../orchestrations/names";
import { createReleaseClusterLockActivity } from "../../orchestrations/common/activities/clusterLock";
import { createUpdateOperationActivity } from "../../orchestrations/common/activities/updateOperation";
import { mergeNodeImageSection } from "../../orchestrations/nodeImageRollout/activities/records";
import { createPostTeamsMessageActivity } from "../../orchestrations/common/activities/postTeamsMessage";
import { createPrepareKubernetesUpgradeActivity } from "../../orchestrations/kubernetesUpgrade/activities/prepareKubernetesUpgrade";
import { readinessDeps } from "./readiness";
import { createCheckUpgradeStepActivity, createStartUpgradeStepActivity } from "../../orchestrations/kubernetesUpgrade/activities/upgradeStep";
import { createCaptureClusterHealthActivity } from "../../orchestrations/kubernetesUpgrade/activities/captureClusterHealth";
import { createCreateApprovalRequestActivity } from "../../orchestrations/approval/activities/createApprovalRequest";
import { createVerifyApprovalDecisionActivity } from "../../orchestrations/approval/activities/verifyApprovalDecision";
import { createCheckAutoUpgradeDisableActivity, createStartAutoUpgradeDisableActivity } from "../../orchestrations/adoption/activities/autoUpgradeProfile";
import { createEnsureEventSubscriptionActivity } from "../../orchestrations/adoption/activities/ensureEventSubscription";
import { createEvaluateConformanceActivity } from "../../orchestrations/conformance/activities/conformance";
import { conformanceDeps } from "./conformance";
import {
  createCheckClusterStopActivity, createCheckPoolScaleActivity, createPutBudgetActivity, createPutDiagnosticSettingActivity,
  createStartClusterStopActivity, createStartPoolScaleActivity, type GovernanceStepDeps
} from "../../orchestrations/governance/activities/governanceSteps";
import type { Platform } from "./platform";
import type { ActivityHandlers } from "./register";
import type { ActivityName } from "../../orchestrations/activities";


/**
 * Every activity named in orchestrations/names.ts, built over the platform's clients. ARM clients
 * are resolved on first call (the getters are lazy), so loading the app makes no connection.
 */
export function createActivities(p: Platform) {
  const aks = {
    get managedClusters() { return p.activityArm.containerService.managedClusters; },
    get agentPools() { return p.activityArm.containerService.agentPools; }
  };
  const lockDeps = { store: p.store, clock: p.clock };
  const stepDeps = { aks, store: p.store, readAsyncOperation: (path: string) => p.readAsyncOperation(path) };
  return {
    [ActivityNames.releaseClusterLock]: createReleaseClusterLockActivity(lockDeps),
    [ActivityNames.prepareKubernetesUpgrade]: createPrepareKubernetesUpgradeActivity({ store: p.store, aks, polling: p.config.operationPolling, readiness: readinessDeps(p) }),
    [ActivityNames.startUpgradeStep]: createStartUpgradeStepActivity(stepDeps),
    [ActivityNames.checkUpgradeStep]: createCheckUpgradeStepActivity(stepDeps),
    [ActivityNames.captureClusterHealth]: createCaptureClusterHealthActivity({
      dataPlane: { queryResources: (region, ...args) => p.metrics(region).queryResources(...args) },
      locationOf: async (clusterId) => (await p.store.clusters.get(clusterId))?.doc.spec.location,
      clock: p.clock
    }),
    [ActivityNames.updateOperation]: createUpdateOperationActivity({ store: p.store, sections: { nodeImage: mergeNodeImageSection } }),
    [ActivityNames.createApprovalRequest]: createCreateApprovalRequestActivity({
      store: p.store, signingKey: p.config.approvalSigningKey, publicBaseUrl: p.config.publicBaseUrl, clock: p.clock, nonce: () => p.nonce()
    }),
    [ActivityNames.verifyApprovalDecision]: createVerifyApprovalDecisionActivity({ store: p.store, clock: p.clock }),
    [ActivityNames.postTeamsMessage]: createPostTeamsMessageActivity({
      store: p.store, clock: p.clock, publicBaseUrl: p.config.publicBaseUrl,
      channels: { defaultUrl: p.config.teamsWebhookUrl, ...(p.escalationWebhookUrl ? { escalationUrl: p.escalationWebhookUrl } : {}) },
      post: (url, message) => p.postTeams(url, message)
    }),
    [ActivityNames.startAutoUpgradeDisable]: createStartAutoUpgradeDisableActivity(stepDeps),
    [ActivityNames.checkAutoUpgradeDisable]: createCheckAutoUpgradeDisableActivity(stepDeps),
    [ActivityNames.ensureEventSubscription]: createEnsureEventSubscriptionActivity({
      eventGrid: {
        get systemTopics() { return p.activityArm.eventGrid.systemTopics; },
        get systemTopicEventSubscriptions() { return p.activityArm.eventGrid.systemTopicEventSubscriptions; }
      },
      endpointUrl: p.eventGridEndpoint
    }),
    [ActivityNames.evaluateConformance]: createEvaluateConformanceActivity(conformanceDeps(p, p.activityArm))
  } satisfies Partial<ActivityHandlers<ActivityName>>;
}

/** The governance step activities over the platform's retry-less ARM clients (resolved on first call). */
export function createGovernanceActivities(p: Platform) {
  const deps: GovernanceStepDeps = {
    monitor: { get diagnosticSettings() { return p.activityArm.monitor.diagnosticSettings; } },
    consumption: { get budgets() { return p.activityArm.consumption.budgets; } },
    aks: {
      get managedClusters() { return p.activityArm.containerService.managedClusters; },
      get agentPools() { return p.activityArm.containerService.agentPools; }
    },
    clock: p.clock
  };
  return {
    [ActivityNames.putDiagnosticSetting]: createPutDiagnosticSettingActivity(deps),
    [ActivityNames.putBudget]: createPutBudgetActivity(deps),
    [ActivityNames.startPoolScale]: createStartPoolScaleActivity(deps),
    [ActivityNames.checkPoolScale]: createCheckPoolScaleActivity(deps),
    [ActivityNames.startClusterStop]: createStartClusterStopActivity(deps),
    [ActivityNames.checkClusterStop]: createCheckClusterStopActivity(deps)
  } satisfies Partial<ActivityHandlers<ActivityName>>;
}
