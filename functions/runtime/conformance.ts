import type { ConformanceDeps } from "../../orchestrations/conformance/activities/conformance";
import { createArmResourcePort, type ArmResourcePort } from "../../shared/azure/arm-resources";
import type { Platform } from "./platform";

/** What conformance reads ARM with (the activity's clients without SDK retries; the API's with them). */
export function conformanceDeps(p: Platform, arm: Platform["arm"], subscriptionId: string = p.config.subscriptionId): ConformanceDeps {
  let port: ArmResourcePort | undefined;
  const resources = () => (port ??= createArmResourcePort(arm, p.config.armEndpoint));
  return {
    armReads: {
      getArmResource: (id, v) => resources().getArmResource(id, v),
      listArmResources: (path, v, pages) => resources().listArmResources(path, v, pages)
    },
    aks: {
      get managedClusters() { return arm.containerService.managedClusters; },
      get maintenanceConfigurations() { return arm.containerService.maintenanceConfigurations; }
    },
    monitor: {
      get diagnosticSettings() { return arm.monitor.diagnosticSettings; },
      get dataCollectionRuleAssociations() { return arm.monitor.dataCollectionRuleAssociations; },
      get dataCollectionRules() { return arm.monitor.dataCollectionRules; }
    },
    authorization: { get roleAssignments() { return arm.authorization.roleAssignments; } },
    network: {
      get subnets() { return arm.network.subnets; },
      get routeTables() { return arm.network.routeTables; }
    },
    eventGrid: { get systemTopics() { return arm.eventGrid.systemTopics; } },
    // The cluster's subscription (issue 31): `arm` is its client set.
    subscriptionId,
    store: p.store, clock: p.clock
  };
}
