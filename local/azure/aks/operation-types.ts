/** The state of one AKS long-running operation: a control-plane step and per-pool phases on the clock. */

export type AksOperationKind =
  | "create" | "update" | "upgrade" | "start" | "stop" | "delete"
  | "poolCreate" | "poolUpdate" | "poolUpgrade" | "poolNodeImageUpgrade" | "poolDelete";

/** How AKS names the operation in its OperationNotAllowed message ("an in progress <label> operation"). */
export const OPERATION_LABEL: Record<AksOperationKind, string> = {
  create: "create managed cluster",
  update: "update managed cluster",
  upgrade: "upgrade managed cluster",
  start: "start managed cluster",
  stop: "stop managed cluster",
  delete: "delete managed cluster",
  poolCreate: "create agent pool",
  poolUpdate: "update agent pool",
  poolUpgrade: "upgrade agent pool",
  poolNodeImageUpgrade: "upgrade node image version",
  poolDelete: "delete agent pool"
};

/** Cluster provisioningState while the operation runs. */
export const CLUSTER_STATE: Record<AksOperationKind, string> = {
  create: "Creating", update: "Updating", upgrade: "Upgrading", start: "Starting", stop: "Stopping", delete: "Deleting",
  poolCreate: "Updating", poolUpdate: "Updating", poolUpgrade: "Upgrading", poolNodeImageUpgrade: "UpgradingNodeImageVersion", poolDelete: "Updating"
};

export type PhaseKind = "create" | "update" | "upgrade" | "nodeImage" | "delete" | "start" | "stop";

export const POOL_STATE: Record<PhaseKind, string> = {
  create: "Creating", update: "Updating", upgrade: "Upgrading", nodeImage: "UpgradingNodeImageVersion",
  delete: "Deleting", start: "Starting", stop: "Stopping"
};

export interface PoolPhase {
  pool: string;
  kind: PhaseKind;
  startAt: number;
  endAt: number;
  /** Nodes are replaced batch by batch (upgrade, node image): NodePoolRolling events and NotReady nodes. */
  rolls: boolean;
  batchMs: number;
  surge: number;
  count: number;
  target: { orchestratorVersion?: string; nodeImageVersion?: string };
  started: boolean;
  done: boolean;
  failure?: { at: number; code: string; message: string };
  /** undrainableNodeBehavior Cordon: the nodes left cordoned (undrainable.ts); `canceled` past maxBlockedNodes. */
  quarantined?: { nodes: string[]; canceled: boolean };
  /** From an `unhealthyPool` fault: nodes left NotReady after the roll. */
  unhealthy?: { notReadyNodes: number; until?: number };
}

export interface AksOperation {
  /** The LRO operation id. */
  id: string;
  clusterId: string;
  kind: AksOperationKind;
  /** Pool name for pool-level operations. */
  pool?: string;
  startedAt: number;
  endAt: number;
  controlPlane?: { targetVersion: string; endAt: number; done: boolean };
  phases: PoolPhase[];
  /** Power state the cluster ends in (start/stop). */
  powerState?: "Running" | "Stopped";
  finished: boolean;
}

/** Base durations (before `durationScale`), chosen to be AKS-like. */
export const DURATIONS = {
  clusterCreate: 5 * 60_000,
  controlPlaneUpgrade: 5 * 60_000,
  clusterUpdate: 60_000,
  poolCreate: 3 * 60_000,
  poolUpdate: 60_000,
  poolDelete: 2 * 60_000,
  /** One surge batch: create surge nodes, cordon and drain, reimage/delete the old ones. */
  rollBatch: 4 * 60_000,
  start: 3 * 60_000,
  stop: 2 * 60_000,
  clusterDelete: 4 * 60_000
};
