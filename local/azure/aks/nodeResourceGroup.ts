/**
 * The node resource group AKS creates for a cluster (`properties.nodeResourceGroup`,
 * `MC_{rg}_{cluster}_{location}` unless the request names it). AKS FAQ "Why are two resource
 * groups created with AKS?" (learn.microsoft.com/azure/aks/faq): "The AKS resource provider
 * automatically creates the second resource group during deployment … contains all of the
 * infrastructure resources associated with the cluster … AKS automatically deletes the node
 * resource group whenever the cluster is deleted". The group is `managedBy` the cluster (the node
 * resource group lockdown article, learn.microsoft.com/azure/aks/node-resource-group-lockdown),
 * and holds the kubelet identity AKS creates (`identityProfile.kubeletidentity.resourceId`), so a
 * role assignment there (mspnp/aks-baseline grants the kubelet Virtual Machine Contributor on it,
 * role-assignment-EnsureClusterUserAssignedHasRbacToManageVMSS.bicep) finds both.
 */
import type { SimKernel } from "../kernel";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nodeResourceGroupId(clusterId: string, properties: Record<string, unknown>): string | undefined {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(clusterId)?.[1];
  const name = properties.nodeResourceGroup;
  return sub && typeof name === "string" && name ? `/subscriptions/${sub}/resourceGroups/${name}` : undefined;
}

/** Creates the node resource group (managed by the cluster) and the kubelet identity in it. */
export function createNodeResourceGroup(kernel: SimKernel, clusterId: string, location: string, properties: Record<string, unknown>): void {
  const rgId = nodeResourceGroupId(clusterId, properties);
  if (!rgId) return;
  if (!kernel.store.get(rgId)) {
    kernel.store.put(rgId, {
      ...kernel.store.envelope(rgId, { location, managedBy: clusterId, properties: { provisioningState: "Succeeded" } }),
      type: "Microsoft.Resources/resourceGroups"
    });
  }
  const kubelet = isRecord(properties.identityProfile) && isRecord(properties.identityProfile.kubeletidentity) ? properties.identityProfile.kubeletidentity : undefined;
  const identityId = typeof kubelet?.resourceId === "string" ? kubelet.resourceId : undefined;
  // Only the identity AKS made (a brought kubelet identity lives where its owner put it).
  if (!identityId || !identityId.toLowerCase().startsWith(`${rgId.toLowerCase()}/`) || kernel.store.get(identityId)) return;
  kernel.store.put(identityId, kernel.store.envelope(identityId, {
    location, properties: { tenantId: "00000000-0000-0000-0000-000000000000", principalId: kubelet?.objectId, clientId: kubelet?.clientId, isolationScope: "None" }
  }));
}

/** With the cluster: its node resource group and everything in it. */
export function deleteNodeResourceGroup(kernel: SimKernel, clusterId: string, properties: Record<string, unknown>): void {
  const rgId = nodeResourceGroupId(clusterId, properties);
  const rg = rgId ? kernel.store.get(rgId) : undefined;
  if (rgId && rg && typeof rg.managedBy === "string" && rg.managedBy.toLowerCase() === clusterId.toLowerCase()) kernel.store.deleteTree(rgId);
}
