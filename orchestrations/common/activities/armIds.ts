/** The parts of a managed cluster's ARM resource id. */
export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

import { parseManagedClusterId } from "../../../shared/domain/armResourceId";

export class InvalidClusterResourceIdError extends Error {
  override readonly name = "InvalidClusterResourceIdError";
  readonly permanent = true as const;
  constructor(readonly resourceId: string) {
    super(`Not a managed cluster resource id: ${resourceId}`);
  }
}

/** Strict (shared/domain/armResourceId.ts): no `..`, `.` or empty segments, AKS's name rules. */
export function parseClusterResourceId(resourceId: string): ClusterRef | undefined {
  return parseManagedClusterId(resourceId);
}

export function clusterRef(resourceId: string): ClusterRef {
  const ref = parseClusterResourceId(resourceId);
  if (!ref) throw new InvalidClusterResourceIdError(resourceId);
  return ref;
}
