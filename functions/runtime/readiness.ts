import { createArmResourcePort, type ArmResourcePort } from "../../shared/azure/arm-resources";
import type { ReadinessDeps } from "../../orchestrations/kubernetesUpgrade/activities/readiness";
import type { Platform } from "./platform";

/** What a readiness report reads ARM with: the clients without SDK retries (a throttled ARM answers the caller at once). */
export function readinessDeps(p: Platform, subscriptionId: string = p.config.subscriptionId): ReadinessDeps {
  let port: ArmResourcePort | undefined;
  // The cluster's subscription (issue 31): its clients, and the subscription its subnets and quota are read in.
  const arm = p.activityArmFor(subscriptionId);
  return {
    aks: { get managedClusters() { return arm.containerService.managedClusters; } },
    network: { get virtualNetworks() { return arm.network.virtualNetworks; } },
    arm: { getArmResource: (id, v) => (port ??= createArmResourcePort(arm, p.config.armEndpoint)).getArmResource(id, v) },
    subscriptionId,
    store: p.store,
    clock: p.clock
  };
}
