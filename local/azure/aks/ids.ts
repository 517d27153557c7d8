export const CONTAINER_SERVICE = "Microsoft.ContainerService";

export const CLUSTER_TEMPLATE =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{resourceName}";

export function clusterId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${CONTAINER_SERVICE}/managedClusters/${name}`;
}

export function clusterIdFrom(p: Record<string, string>): string {
  return clusterId(p.subscriptionId ?? "", p.resourceGroupName ?? "", p.resourceName ?? "");
}

export function poolId(clusterResourceId: string, pool: string): string {
  return `${clusterResourceId}/agentPools/${pool}`;
}

export function maintenanceConfigId(clusterResourceId: string, name: string): string {
  return `${clusterResourceId}/maintenanceConfigurations/${name}`;
}

export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
}

export function clusterNameOf(id: string): string {
  return /\/managedClusters\/([^/]+)/i.exec(id)?.[1] ?? "";
}
