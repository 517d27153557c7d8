import { ActivityNames } from "../../orchestrations/names";
import { createCheckArmResourcePutActivity, createStartArmResourcePutActivity } from "../../orchestrations/provisioning/activities/armResourcePut";
import { createPlanProvisioningActivity } from "../../orchestrations/provisioning/activities/planProvisioning";
import { createRegisterProvisionedClusterActivity } from "../../orchestrations/provisioning/activities/registerProvisionedCluster";
import { createArmResourcePort, type ArmResourcePort } from "../../shared/azure/arm-resources";
import type { Platform } from "./platform";
import type { ActivityHandlers } from "./register";
import type { ActivityName } from "../../orchestrations/activities";
import { byClusterRecord, routed } from "./subscriptionRouting";

/** The provisioning flow's activities (registered, guarded, in functions/provisioning.ts). */
export function createProvisioningActivities(p: Platform) {
  let port: ArmResourcePort | undefined;
  // Built on first call, over the activities' ARM clients (no SDK retries: the engine waits on durable timers).
  const arm: ArmResourcePort = {
    getArmResource: (id, v) => (port ??= createArmResourcePort(p.activityArm, p.config.armEndpoint)).getArmResource(id, v),
    putArmResource: (id, v, b) => (port ??= createArmResourcePort(p.activityArm, p.config.armEndpoint)).putArmResource(id, v, b),
    readArmOperation: (path) => (port ??= createArmResourcePort(p.activityArm, p.config.armEndpoint)).readArmOperation(path),
    listArmResources: (path, v, pages) => (port ??= createArmResourcePort(p.activityArm, p.config.armEndpoint)).listArmResources(path, v, pages)
  };
  return {
    // Issue 31: the profile's ids are in the cluster's subscription (its record's resource id, set by the request).
    [ActivityNames.planProvisioning]: routed(p, byClusterRecord(p), (_clients, subscriptionId) => createPlanProvisioningActivity({
      arm, store: p.store, clock: p.clock, subscriptionId, ...(p.config.budgetActionGroupId ? { budgetActionGroupId: p.config.budgetActionGroupId } : {})
    })),
    [ActivityNames.startArmResourcePut]: createStartArmResourcePutActivity({ arm }),
    [ActivityNames.checkArmResourcePut]: createCheckArmResourcePutActivity({ arm }),
    [ActivityNames.registerProvisionedCluster]: routed(p, byClusterRecord(p), (clients) => createRegisterProvisionedClusterActivity({
      aks: { get managedClusters() { return clients.containerService.managedClusters; } }, store: p.store, clock: p.clock, polling: p.config.operationPolling
    }))
  } satisfies Partial<ActivityHandlers<ActivityName>>;
}
