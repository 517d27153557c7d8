import { defaultPolicy } from "../../../shared/domain/policy";
import type { ClusterRecord, EventRecord, FindingRecord, OperationRecord } from "../../../shared/store";

/** Small valid records for the store tests; overrides win. */
export function clusterRecord(id: string, overrides: Partial<ClusterRecord> = {}): ClusterRecord {
  const resourceGroup = `rg-${id}`;
  return {
    id,
    resourceId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${id}`,
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    resourceGroup,
    environment: "prod",
    policy: defaultPolicy("prod"),
    spec: {
      location: "westeurope",
      kubernetesVersion: "1.31.5",
      pools: [
        { name: "system", mode: "System", count: 3 },
        { name: "user", mode: "User", count: 2 }
      ],
      upgradeChannel: "none",
      nodeOSUpgradeChannel: "None"
    },
    observed: {
      at: "2026-03-02T09:00:00.000Z",
      kubernetesVersion: "1.31.5",
      pools: [
        { name: "system", mode: "System", orchestratorVersion: "1.31.5", count: 3 },
        { name: "user", mode: "User", orchestratorVersion: "1.31.5", count: 2 }
      ]
    },
    eventTopic: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${resourceGroup}/providers/Microsoft.EventGrid/systemTopics/${id}-topic`,
    createdAt: "2026-03-02T09:00:00.000Z",
    updatedAt: "2026-03-02T09:00:00.000Z",
    ...overrides
  };
}

export function operationRecord(id: string, clusterId: string, overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id,
    clusterId,
    kind: "kubernetesUpgrade",
    trigger: { type: "event", eventId: `evt-${id}` },
    status: "Pending",
    instanceId: `k8s-upgrade:${clusterId}:1.32.3`,
    targetVersion: "1.32.3",
    steps: [],
    approvals: [],
    timings: { createdAt: "2026-03-02T09:00:00.000Z", updatedAt: "2026-03-02T09:00:00.000Z" },
    ...overrides
  };
}

export function eventRecord(id: string, overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id,
    type: "Microsoft.ContainerService.NewKubernetesVersionAvailable",
    subject: "aks-prod",
    topic: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod",
    receivedAt: "2026-03-02T09:00:00.000Z",
    data: { latestSupportedKubernetesVersion: "1.32.3" },
    ...overrides
  };
}

export function findingRecord(clusterId: string, rule: string, overrides: Partial<FindingRecord> = {}): FindingRecord {
  return {
    id: `${clusterId}:${rule}`,
    clusterId,
    category: "conformance",
    rule,
    status: "fail",
    severity: "high",
    evidence: `${rule} is not configured`,
    observedAt: "2026-03-02T09:00:00.000Z",
    ...overrides
  };
}
