import type { CancelTimer } from "../../clock";
import { ArmError, stringParam, type SimKernel } from "../kernel";
import { aksErrors } from "./errors";
import { clusterNameOf, poolId } from "./ids";
import type { ClusterResource, PoolResource } from "./model";
import { deleteNodeResourceGroup } from "./nodeResourceGroup";
import { CLUSTER_STATE, OPERATION_LABEL, POOL_STATE, type AksOperation, type PoolPhase } from "./operation-types";

export const AKS_LRO = "aks.operation";

/** Per-pool node health, for Monitor's metrics (`kube_node_status_condition`) and Budgets' node-hours. */
export interface PoolHealth {
  /** Nodes present (the pool's count plus surge nodes while it rolls; 0 when stopped). */
  nodes: number;
  ready: number;
  notReady: number;
  surgeNodes: number;
  rolling: boolean;
}

export interface OperationPlan {
  clusterId: string;
  kind: AksOperation["kind"];
  pool?: string;
  durationMs: number;
  controlPlane?: { targetVersion: string; durationMs: number };
  phases: Omit<PoolPhase, "started" | "done">[];
  powerState?: "Running" | "Stopped";
}

/**
 * Runs AKS operations on the shared clock: the control plane first, then pool phases in order.
 * Pools that roll go NotReady batch by batch and publish NodePoolRollingStarted / Succeeded /
 * Failed (https://learn.microsoft.com/azure/event-grid/event-schema-aks); the ARM operation
 * completes (or fails) when the last phase does.
 */
export class AksRuntime {
  private readonly ops = new Map<string, AksOperation>();
  /** `ops` ids per cluster (lower-cased id): health and quota reads ask per cluster, fleet-wide. */
  private readonly opsByCluster = new Map<string, Set<string>>();
  private readonly timers = new Map<string, CancelTimer[]>();
  private readonly unhealthy = new Map<string, { notReadyNodes: number; until?: number }>();

  constructor(private readonly kernel: SimKernel) {
    kernel.lro.handle(AKS_LRO, (lroOp) => this.complete((lroOp.context as { opId: string }).opId));
    kernel.onDispose(() => {
      for (const cancels of this.timers.values()) for (const cancel of cancels) cancel();
      this.timers.clear();
    });
    kernel.registerState("aks", {
      save: () => ({ ops: [...this.ops.values()].filter((o) => !o.finished), unhealthy: [...this.unhealthy] }),
      load: (data) => {
        const d = data as { ops?: AksOperation[]; unhealthy?: [string, { notReadyNodes: number; until?: number }][] };
        this.ops.clear();
        this.opsByCluster.clear();
        for (const op of d.ops ?? []) {
          this.track(op);
          this.arm(op);
        }
        this.unhealthy.clear();
        for (const [k, v] of d.unhealthy ?? []) this.unhealthy.set(k, v);
      }
    });
  }

  /**
   * Clusters whose node health can change with time alone (no resource write): an operation in
   * progress (batches roll on timers) or an unhealthy-pool fault, until a minute after it lapses.
   */
  busyClusterIds(): Set<string> {
    const now = this.kernel.clock.now();
    const busy = new Set<string>();
    // Only retire() finishes an operation, and it leaves opsByCluster too.
    for (const cluster of this.opsByCluster.keys()) busy.add(cluster);
    for (const [pool, sick] of this.unhealthy) {
      if (sick.until !== undefined && sick.until < now - 60_000) continue;
      busy.add(pool.slice(0, pool.lastIndexOf("/agentpools/")));
    }
    return busy;
  }

  /** The in-progress operation on a cluster, if any. */
  activeOn(clusterId: string): AksOperation | undefined {
    for (const id of [...(this.opsByCluster.get(clusterId.toLowerCase()) ?? [])]) {
      const op = this.ops.get(id);
      if (!op || op.finished) continue;
      // An operation whose ARM operation ended elsewhere (e.g. canceled by a resource group delete) is over.
      if (this.kernel.lro.get(op.id)?.status !== "InProgress") {
        this.retire(op);
        continue;
      }
      return op;
    }
    return undefined;
  }

  private retire(op: AksOperation): void {
    op.finished = true;
    for (const cancel of this.timers.get(op.id) ?? []) cancel();
    this.timers.delete(op.id);
    this.ops.delete(op.id);
    const mine = this.opsByCluster.get(op.clusterId.toLowerCase());
    mine?.delete(op.id);
    if (mine?.size === 0) this.opsByCluster.delete(op.clusterId.toLowerCase());
  }

  private track(op: AksOperation): void {
    this.ops.set(op.id, op);
    const key = op.clusterId.toLowerCase();
    let mine = this.opsByCluster.get(key);
    if (!mine) this.opsByCluster.set(key, (mine = new Set()));
    mine.add(op.id);
  }

  /** Rejects a new operation while one runs (AKS allows one at a time per cluster) or while a `conflict` fault holds it. */
  assertIdle(clusterId: string): void {
    const active = this.activeOn(clusterId);
    if (active) {
      throw aksErrors.operationInProgress(OPERATION_LABEL[active.kind], active.id, new Date(active.startedAt).toISOString().replace(/\.\d{3}Z$/, "Z"));
    }
    const conflict = this.kernel.faults.peek("conflict", clusterId);
    if (conflict) {
      // An out-of-band operation (AKS auto-repair, a support action, another tool) holds the cluster.
      const opId = stringParam(conflict, "operationId") ?? `00000000-0000-0000-0000-${conflict.id.replace(/\D/g, "").padStart(12, "0")}`;
      throw aksErrors.operationInProgress(stringParam(conflict, "operation") ?? "update managed cluster", opId, new Date(conflict.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"));
    }
  }

  begin(plan: OperationPlan, apiVersion: string): { operation: AksOperation; headers: Record<string, string> } {
    const now = this.kernel.clock.now();
    const phases: PoolPhase[] = plan.phases.map((p) => ({ ...p, started: false, done: false }));
    const failure = phases.find((p) => p.failure)?.failure;
    const endAt = now + plan.durationMs;
    const cluster = this.kernel.store.get<ClusterResource>(plan.clusterId);
    const { operation: lroOp, headers } = this.kernel.lro.begin({
      resourceId: plan.pool ? poolId(plan.clusterId, plan.pool) : plan.clusterId,
      operation: AKS_LRO,
      durationMs: (failure ? failure.at : endAt) - now,
      location: cluster?.location ?? this.kernel.config.location,
      namespace: "Microsoft.ContainerService",
      apiVersion,
      context: { opId: "" }
    });
    const op: AksOperation = {
      id: lroOp.name,
      clusterId: plan.clusterId,
      kind: plan.kind,
      pool: plan.pool,
      startedAt: now,
      endAt,
      controlPlane: plan.controlPlane ? { targetVersion: plan.controlPlane.targetVersion, endAt: now + plan.controlPlane.durationMs, done: false } : undefined,
      phases,
      powerState: plan.powerState,
      finished: false
    };
    lroOp.context = { opId: op.id };
    this.track(op);
    this.updateCluster(op.clusterId, (c) => { c.properties.provisioningState = CLUSTER_STATE[op.kind]; });
    this.arm(op);
    this.progress(op);
    return { operation: op, headers };
  }

  /**
   * `operation-abort`: cancels the running operation on the cluster (or only a pool's, when `pool`
   * is given), leaving the cluster and the pools it was changing `Canceled`, as AKS does.
   * Returns false when nothing was running.
   */
  abort(clusterId: string, pool?: string): boolean {
    const op = this.activeOn(clusterId);
    if (!op || (pool && op.pool?.toLowerCase() !== pool.toLowerCase() && !op.phases.some((ph) => ph.pool.toLowerCase() === pool.toLowerCase()))) return false;
    this.retire(op);
    this.kernel.lro.cancel(op.id, "Operation was canceled: it was aborted by an operation-abort request.");
    for (const phase of op.phases) {
      if (phase.done || !phase.started) continue;
      this.updatePool(poolId(op.clusterId, phase.pool), (p) => { p.properties.provisioningState = "Canceled"; });
    }
    if (op.pool) this.updatePool(poolId(op.clusterId, op.pool), (p) => { p.properties.provisioningState = "Canceled"; });
    this.updateCluster(op.clusterId, (c) => { c.properties.provisioningState = "Canceled"; });
    return true;
  }

  /** Ends a cluster's operations (the cluster is being deleted). */
  abandon(clusterId: string): void {
    for (const op of this.ops.values()) {
      if (op.finished || op.clusterId.toLowerCase() !== clusterId.toLowerCase()) continue;
      this.retire(op);
      this.kernel.lro.cancel(op.id, "The managed cluster is being deleted.");
    }
  }

  health(clusterId: string, pool: string): PoolHealth | undefined {
    const cluster = this.kernel.store.get<ClusterResource>(clusterId);
    const p = this.kernel.store.get<PoolResource>(poolId(clusterId, pool));
    if (!cluster || !p) return undefined;
    if (cluster.properties.powerState.code === "Stopped" || p.properties.powerState.code === "Stopped") {
      return { nodes: 0, ready: 0, notReady: 0, surgeNodes: 0, rolling: false };
    }
    const count = p.properties.count;
    const now = this.kernel.clock.now();
    const active = this.activeOn(clusterId);
    const phase = active?.phases.find((ph) => ph.pool.toLowerCase() === pool.toLowerCase() && ph.started && !ph.done && ph.rolls);
    if (phase) {
      const batch = Math.floor((now - phase.startAt) / phase.batchMs);
      const remaining = Math.max(0, phase.count - batch * phase.surge);
      const notReady = Math.min(phase.surge, remaining);
      const nodes = phase.count + phase.surge;
      return { nodes, ready: nodes - notReady, notReady, surgeNodes: phase.surge, rolling: true };
    }
    const sick = this.unhealthy.get(poolId(clusterId, pool).toLowerCase());
    if (sick && (sick.until === undefined || sick.until > now)) {
      const notReady = Math.min(count, sick.notReadyNodes);
      return { nodes: count, ready: count - notReady, notReady, surgeNodes: 0, rolling: false };
    }
    return { nodes: count, ready: count, notReady: 0, surgeNodes: 0, rolling: false };
  }

  /** Applies every step whose time has come (idempotent; called by timers and at completion). */
  progress(op: AksOperation): void {
    if (op.finished) return;
    const now = this.kernel.clock.now();
    if (op.controlPlane && !op.controlPlane.done && now >= op.controlPlane.endAt) {
      op.controlPlane.done = true;
      const target = op.controlPlane.targetVersion;
      this.updateCluster(op.clusterId, (c) => { c.properties.currentKubernetesVersion = target; });
    }
    for (const phase of op.phases) {
      if (phase.done) continue;
      if (now < phase.startAt) break;
      if (!phase.started) this.startPhase(op, phase);
      if (phase.failure && now >= phase.failure.at) {
        this.failPhase(op, phase);
        break;
      }
      if (now < phase.endAt) break;
      this.finishPhase(op, phase);
    }
  }

  private startPhase(op: AksOperation, phase: PoolPhase): void {
    phase.started = true;
    const id = poolId(op.clusterId, phase.pool);
    this.updatePool(id, (p) => {
      p.properties.provisioningState = POOL_STATE[phase.kind];
      if (phase.target.orchestratorVersion) p.properties.orchestratorVersion = phase.target.orchestratorVersion;
    });
    if (phase.rolls) {
      this.unhealthy.delete(id.toLowerCase());
      this.publish(op.clusterId, "Microsoft.ContainerService.NodePoolRollingStarted", { nodePoolName: phase.pool });
    }
  }

  private finishPhase(op: AksOperation, phase: PoolPhase): void {
    phase.done = true;
    const id = poolId(op.clusterId, phase.pool);
    if (phase.kind === "delete") {
      this.kernel.store.delete(id);
      return;
    }
    this.updatePool(id, (p) => {
      p.properties.provisioningState = "Succeeded";
      if (phase.target.orchestratorVersion) p.properties.currentOrchestratorVersion = phase.target.orchestratorVersion;
      if (phase.target.nodeImageVersion) p.properties.nodeImageVersion = phase.target.nodeImageVersion;
      if (phase.kind === "stop") p.properties.powerState = { code: "Stopped" };
      if (phase.kind === "start") p.properties.powerState = { code: "Running" };
    });
    if (phase.unhealthy) this.unhealthy.set(id.toLowerCase(), phase.unhealthy);
    if (phase.rolls) this.publish(op.clusterId, "Microsoft.ContainerService.NodePoolRollingSucceeded", { nodePoolName: phase.pool });
  }

  private failPhase(op: AksOperation, phase: PoolPhase): void {
    phase.done = true;
    const q = phase.quarantined;
    this.updatePool(poolId(op.clusterId, phase.pool), (p) => {
      // Cordon: every node but the quarantined ones was upgraded (a retained surge node stands in
      // for each), yet the operation ends Failed; past maxBlockedNodes it is Canceled, unchanged.
      p.properties.provisioningState = q?.canceled ? "Canceled" : "Failed";
      if (q && !q.canceled) {
        if (phase.target.orchestratorVersion) p.properties.currentOrchestratorVersion = phase.target.orchestratorVersion;
        if (phase.target.nodeImageVersion) p.properties.nodeImageVersion = phase.target.nodeImageVersion;
      }
    });
    // AKS's event schema has only the pool name; the error is on the ARM operation.
    this.publish(op.clusterId, "Microsoft.ContainerService.NodePoolRollingFailed", { nodePoolName: phase.pool });
  }

  /** LRO completion: apply what is left, then settle the cluster's state (or fail the operation). */
  private complete(opId: string): { result?: unknown } {
    const op = this.ops.get(opId);
    if (!op || op.finished) return {};
    this.progress(op);
    this.retire(op);
    const failed = op.phases.find((p) => p.failure && p.done);
    if (failed?.failure) {
      this.updateCluster(op.clusterId, (c) => { c.properties.provisioningState = "Failed"; });
      throw new ArmError(400, failed.failure.code, failed.failure.message);
    }
    if (op.kind === "delete") {
      const cluster = this.kernel.store.get(op.clusterId);
      this.kernel.store.deleteTree(op.clusterId);
      if (cluster) deleteNodeResourceGroup(this.kernel, cluster.id, cluster.properties ?? {});
      return {};
    }
    for (const phase of op.phases) if (!phase.done) this.finishPhase(op, phase);
    if (op.controlPlane && !op.controlPlane.done) {
      op.controlPlane.done = true;
      const target = op.controlPlane.targetVersion;
      this.updateCluster(op.clusterId, (c) => { c.properties.currentKubernetesVersion = target; });
    }
    this.updateCluster(op.clusterId, (c) => {
      c.properties.provisioningState = "Succeeded";
      if (op.powerState) c.properties.powerState = { code: op.powerState };
    });
    const body = op.pool ? this.kernel.store.get(poolId(op.clusterId, op.pool)) : undefined;
    return body ? { result: body } : {};
  }

  private arm(op: AksOperation): void {
    const times = new Set<number>();
    if (op.controlPlane) times.add(op.controlPlane.endAt);
    for (const p of op.phases) {
      times.add(p.startAt);
      times.add(p.endAt);
      if (p.failure) times.add(p.failure.at);
      // Each batch boundary changes which nodes are NotReady; a timer there lets idle probes settle on it.
      if (p.rolls) for (let t = p.startAt + p.batchMs; t < p.endAt; t += p.batchMs) times.add(t);
    }
    const cancels = [...times].sort((a, b) => a - b).map((t) => this.kernel.clock.setTimer(t, () => this.progress(op)));
    this.timers.set(op.id, cancels);
  }

  private publish(clusterId: string, eventType: string, data: Record<string, unknown>): void {
    this.kernel.events.publish(clusterId, [{ eventType, subject: clusterNameOf(clusterId), data, dataVersion: "1" }]);
  }

  private updateCluster(id: string, fn: (c: ClusterResource) => void): void {
    const c = this.kernel.store.get<ClusterResource>(id);
    if (!c) return;
    const copy = structuredClone(c);
    fn(copy);
    this.kernel.store.put(id, copy);
  }

  private updatePool(id: string, fn: (p: PoolResource) => void): void {
    const p = this.kernel.store.get<PoolResource>(id);
    if (!p) return;
    const copy = structuredClone(p);
    fn(copy);
    this.kernel.store.put(id, copy);
  }
}
