import { ActivityNames } from "../../orchestrations/names";
import { createReleaseClusterLockActivity } from "../../orchestrations/common/activities/clusterLock";
import { createUpdateOperationActivity } from "../../orchestrations/common/activities/updateOperation";
import { mergeNodeImageSection } from "../../orchestrations/nodeImageRollout/activities/records";
import { createPostTeamsMessageActivity } from "../../orchestrations/common/activities/postTeamsMessage";
import { createPrepareKubernetesUpgradeActivity } from "../../orchestrations/kubernetesUpgrade/activities/prepareKubernetesUpgrade";
import { readinessDeps } from "./readiness";
import { createClearForceUpgradeActivity, createRecordForceUpgradeActivity } from "../../orchestrations/kubernetesUpgrade/activities/forceUpgrade";
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
import type { ArmClients } from "../../shared/azure";
import type { ActivityHandlers } from "./register";
import type { ActivityName } from "../../orchestrations/activities";
import { byClusterRecord, byResourceId, routed } from "./subscriptionRouting";


/**
 * Every activity named in orchestrations/names.ts, built over the platform's clients. ARM clients
 * are resolved on first call (the getters are lazy), so loading the app makes no connection.
 */
export function createActivities(p: Platform) {
  // Issue 31: each ARM-touching activity runs on the client set of its cluster's subscription.
  const aksOf = (arm: ArmClients) => ({
    get managedClusters() { return arm.containerService.managedClusters; },
    get agentPools() { return arm.containerService.agentPools; }
  });
  const lockDeps = { store: p.store, clock: p.clock };
  const stepDeps = (arm: ArmClients) => ({ aks: aksOf(arm), store: p.store, readAsyncOperation: (path: string) => p.readAsyncOperation(path) });
  const record = byClusterRecord(p);
  return {
    [ActivityNames.releaseClusterLock]: createReleaseClusterLockActivity(lockDeps),
    [ActivityNames.prepareKubernetesUpgrade]: routed(p, record, (arm, subscription) =>
      createPrepareKubernetesUpgradeActivity({ store: p.store, aks: aksOf(arm), polling: p.config.operationPolling, readiness: readinessDeps(p, subscription) })),
    [ActivityNames.recordForceUpgrade]: createRecordForceUpgradeActivity({ store: p.store }),
    [ActivityNames.clearForceUpgrade]: routed(p, record, (arm) => createClearForceUpgradeActivity({ aks: aksOf(arm), store: p.store })),
    [ActivityNames.startUpgradeStep]: routed(p, byResourceId, (arm) => createStartUpgradeStepActivity(stepDeps(arm))),
    [ActivityNames.checkUpgradeStep]: routed(p, byResourceId, (arm) => createCheckUpgradeStepActivity(stepDeps(arm))),
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
    [ActivityNames.startAutoUpgradeDisable]: routed(p, byResourceId, (arm) => createStartAutoUpgradeDisableActivity(stepDeps(arm))),
    [ActivityNames.checkAutoUpgradeDisable]: routed(p, byResourceId, (arm) => createCheckAutoUpgradeDisableActivity(stepDeps(arm))),
    // The cluster's system topic and the resource group's (resource events) live in the cluster's subscription.
    [ActivityNames.ensureEventSubscription]: routed(p, byResourceId, (arm) => createEnsureEventSubscriptionActivity({
      eventGrid: {
        get systemTopics() { return arm.eventGrid.systemTopics; },
        get systemTopicEventSubscriptions() { return arm.eventGrid.systemTopicEventSubscriptions; }
      },
      endpointUrl: p.eventGridEndpoint
    })),
    [ActivityNames.evaluateConformance]: routed(p, byResourceId, (arm, subscription) => createEvaluateConformanceActivity(conformanceDeps(p, arm, subscription)))
  } satisfies Partial<ActivityHandlers<ActivityName>>;
}

/** The governance step activities over the platform's retry-less ARM clients (resolved on first call). */
export function createGovernanceActivities(p: Platform) {
  // Issue 31: the step's cluster resource id names the subscription whose clients act.
  const deps = (arm: ArmClients): GovernanceStepDeps => ({
    monitor: { get diagnosticSettings() { return arm.monitor.diagnosticSettings; } },
    consumption: { get budgets() { return arm.consumption.budgets; } },
    aks: {
      get managedClusters() { return arm.containerService.managedClusters; },
      get agentPools() { return arm.containerService.agentPools; }
    },
    clock: p.clock
  });
  return {
    [ActivityNames.putDiagnosticSetting]: routed(p, byResourceId, (arm) => createPutDiagnosticSettingActivity(deps(arm))),
    [ActivityNames.putBudget]: routed(p, byResourceId, (arm) => createPutBudgetActivity(deps(arm))),
    [ActivityNames.startPoolScale]: routed(p, byResourceId, (arm) => createStartPoolScaleActivity(deps(arm))),
    [ActivityNames.checkPoolScale]: routed(p, byResourceId, (arm) => createCheckPoolScaleActivity(deps(arm))),
    [ActivityNames.startClusterStop]: routed(p, byResourceId, (arm) => createStartClusterStopActivity(deps(arm))),
    [ActivityNames.checkClusterStop]: routed(p, byResourceId, (arm) => createCheckClusterStopActivity(deps(arm)))
  } satisfies Partial<ActivityHandlers<ActivityName>>;
}
