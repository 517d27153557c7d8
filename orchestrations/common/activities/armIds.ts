/** The parts of a managed cluster's ARM resource id. */
export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const CLUSTER_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;

export class InvalidClusterResourceIdError extends Error {
  override readonly name = "InvalidClusterResourceIdError";
  readonly permanent = true as const;
  constructor(readonly resourceId: string) {
    super(`Not a managed cluster resource id: ${resourceId}`);
  }
}

export function parseClusterResourceId(resourceId: string): ClusterRef | undefined {
  const m = CLUSTER_ID.exec(resourceId.trim().replace(/\/+$/, ""));
  if (!m) return undefined;
  return { subscriptionId: m[1] ?? "", resourceGroup: m[2] ?? "", name: m[3] ?? "" };
}

export function clusterRef(resourceId: string): ClusterRef {
  const ref = parseClusterResourceId(resourceId);
  if (!ref) throw new InvalidClusterResourceIdError(resourceId);
  return ref;
}
