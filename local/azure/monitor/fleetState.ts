/**
 * The narrow view of the simulated AKS fleet that Monitor (metrics) and Budgets (spend) read.
 * The AKS model owns the truth; this is what it exposes to other modules (see index.ts for the
 * adapter over the kernel).
 */

export interface PoolState {
  name: string;
  mode: "System" | "User";
  vmSize: string;
  /** Nodes the pool should have. */
  count: number;
  /** Extra surge nodes present while the pool rolls. */
  surgeNodes: number;
  /** How many of the pool's nodes are NotReady right now (rolling batch, or an unhealthy-pool fault). */
  notReadyNodes: number;
  /** The pool is rolling (upgrade or node-image upgrade). */
  rolling: boolean;
}

export interface ClusterState {
  id: string;
  location: string;
  powerState: "Running" | "Stopped";
  /** When the cluster was created (ISO), if known: no metrics or spend before it. */
  createdAt?: string;
  /** `sku.tier` (Free, Standard, Premium): the control plane's hourly price. */
  tier?: string;
  pools: PoolState[];
}

export interface FleetView {
  /** Every managed cluster's current state. */
  clusters(): ClusterState[];
  cluster(id: string): ClusterState | undefined;
}

/** Nodes billed and running: a stopped cluster's nodes are deallocated and not billed. */
export function billableNodes(pool: PoolState, cluster: ClusterState): number {
  return cluster.powerState === "Stopped" ? 0 : pool.count + pool.surgeNodes;
}
