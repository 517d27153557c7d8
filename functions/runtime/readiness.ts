import { createArmResourcePort, type ArmResourcePort } from "../../shared/azure/arm-resources";
import type { ReadinessDeps } from "../../orchestrations/kubernetesUpgrade/activities/readiness";
import type { Platform } from "./platform";

/** What a readiness report reads ARM with: the clients without SDK retries (a throttled ARM answers the caller at once). */
export function readinessDeps(p: Platform): ReadinessDeps {
  let port: ArmResourcePort | undefined;
  return {
    aks: { get managedClusters() { return p.activityArm.containerService.managedClusters; } },
    network: { get virtualNetworks() { return p.activityArm.network.virtualNetworks; } },
    arm: { getArmResource: (id, v) => (port ??= createArmResourcePort(p.activityArm, p.config.armEndpoint)).getArmResource(id, v) },
    subscriptionId: p.config.subscriptionId,
    store: p.store,
    clock: p.clock
  };
}
