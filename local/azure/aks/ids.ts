import { createHash } from "node:crypto";

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

/** `n` decimal digits stable for `seed` (a pool's scale-set number). */
export function seededDigits(seed: string, n: number): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return (BigInt("0x" + hex.slice(0, 15)) % 10n ** BigInt(n)).toString().padStart(n, "0");
}

/** A node's name as AKS names VMSS nodes (`aks-<pool>-<8 digits>-vmss<6 base-36 digits>`), the i-th instance of the pool. */
export function aksNodeName(clusterResourceId: string, pool: string, instance: number): string {
  return `aks-${pool}-${seededDigits(`${clusterResourceId.toLowerCase()}/${pool}`, 8)}-vmss${instance.toString(36).padStart(6, "0")}`;
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
