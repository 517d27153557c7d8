/**
 * Nodes whose drain a PodDisruptionBudget blocks (issue 30), and what AKS does with them during a
 * rolling upgrade, by the pool's `upgradeSettings.undrainableNodeBehavior`
 * (AgentPoolUpgradeSettings in Azure/azure-rest-api-specs, Microsoft.ContainerService managedClusters.json,
 * from 2024-04-02-preview "add undrainableNodeBehavior property", Azure/azure-rest-api-specs#28919;
 * the SDK's KnownUndrainableNodeBehavior docs):
 * - `Schedule` (default): "AKS will mark the blocked nodes schedulable, but the blocked nodes are not
 *   upgraded ... The upgrade operation and the managed cluster will be in failed state if there are
 *   any blocked nodes." The first blocked drain waits `drainTimeoutInMinutes` (default 30), then the
 *   pool fails with AKS's drain error (errors.ts `drainTimeout`), its version unchanged.
 * - `Cordon`: "AKS will cordon the blocked nodes and replace them with surge nodes during upgrade ...
 *   The blocked nodes will have label 'kubernetes.azure.com/upgrade-status:Quarantined'. A surge node
 *   will be retained for each blocked node ... If there are enough surge nodes to replace blocked
 *   nodes, then the upgrade operation and the managed cluster will be in failed state. Otherwise, the
 *   upgrade operation and the managed cluster will be in canceled state." The roll goes on past the
 *   blocked nodes (Azure/AKS#3516: "upgrade wont stop there and proceed forward on other nodes ...
 *   the provisioning status still will show failed"): the pool reaches the target version, each
 *   blocked batch having waited the drain timeout, and the operation ends Failed naming the
 *   quarantined nodes. "Enough surge nodes" is `maxBlockedNodes` ("The maximum number or percentage
 *   of extra nodes that are allowed to be blocked ... when undrainable node behavior is Cordon ...
 *   If not specified, the default is maxSurge"): more blocked nodes than that cancel the upgrade
 *   (pool `Canceled`, version unchanged).
 * AKS does not publish the exact wording of the Cordon outcome; the message below names the nodes as
 * the label marks them and points to AKS's drain-failure guide, like its drain error.
 *
 * Control API: `POST /_sim/clusters/{name}/agentPools/{pool}/undrainable-nodes` `{count, pod?}` marks
 * the pool's first `count` nodes (AKS rolls instances in order) as blocked by a PDB (201); `GET`
 * shows it; `DELETE` lifts it (the PDB relaxed).
 */
import type { SimKernel } from "../kernel";
import type { ClusterResource, PoolProperties, PoolResource } from "./model";
import { aksErrors } from "./errors";
import { aksNodeName, poolId } from "./ids";

export const UNDRAINABLE_SERVICE = "aksUndrainableNodes";

export interface UndrainableMark {
  count: number;
  /** The pod whose PDB blocks the eviction (`namespace/name`). */
  pod: string;
}

export interface DrainOutcome {
  /** Extra time the blocked drains take. */
  extraMs: number;
  failure: { atOffsetMs: number; code: string; message: string };
  /** Cordon: the nodes left cordoned; `canceled` when more than maxBlockedNodes were blocked. */
  quarantined?: { nodes: string[]; canceled: boolean };
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `maxBlockedNodes` as a node count (an integer or a percentage of the pool, rounded up); absent: maxSurge. */
export function maxBlockedOf(props: Pick<PoolProperties, "count" | "upgradeSettings">, surge: number): number {
  const raw = record(props.upgradeSettings).maxBlockedNodes;
  if (typeof raw !== "string" || !raw.trim()) return surge;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(raw.trim());
  const n = pct ? Math.ceil((props.count * Number(pct[1])) / 100) : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? Math.max(n, surge) : surge;
}

export class UndrainableNodes {
  private readonly byPool = new Map<string, UndrainableMark>();

  constructor(private readonly kernel: SimKernel) {
    kernel.registerState("aksUndrainableNodes", {
      save: () => [...this.byPool],
      load: (d) => {
        this.byPool.clear();
        for (const [k, v] of d as [string, UndrainableMark][]) this.byPool.set(k, v);
      }
    });
    kernel.provide(UNDRAINABLE_SERVICE, this);
    const path = "/_sim/clusters/{name}/agentPools/{pool}/undrainable-nodes";
    kernel.router.control("POST", path, (req, p) => {
      const cluster = this.clusterNamed(p.name ?? "");
      if (!cluster) return { status: 404, body: { error: { code: "ClusterNotFound", message: `No managed cluster named '${p.name}'.` } } };
      const pool = kernel.store.get<PoolResource>(poolId(cluster.id, p.pool ?? ""));
      if (!pool) return { status: 404, body: { error: { code: "PoolNotFound", message: `No agent pool '${p.pool}' on '${cluster.name}'.` } } };
      const b = record(req.body);
      const invalid: string[] = [];
      if (typeof b.count !== "number" || !Number.isInteger(b.count) || b.count < 1 || b.count > pool.properties.count) invalid.push(`count (a whole number of nodes from 1 to the pool's ${pool.properties.count})`);
      if (b.pod !== undefined && (typeof b.pod !== "string" || !/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(b.pod))) invalid.push("pod (namespace/name)");
      if (invalid.length > 0) return { status: 400, body: { error: { code: "InvalidUndrainableNodes", message: `Invalid fields: ${invalid.join("; ")}` } } };
      const mark: UndrainableMark = { count: Number(b.count), pod: typeof b.pod === "string" ? b.pod : "default/app-7d4b9c6f5-x2x9q" };
      this.byPool.set(poolId(cluster.id, p.pool ?? "").toLowerCase(), mark);
      return { status: 201, body: { ...mark, nodes: this.nodes(cluster.id, p.pool ?? "", mark.count) } };
    });
    kernel.router.control("GET", path, (_req, p) => {
      const cluster = this.clusterNamed(p.name ?? "");
      const mark = cluster ? this.byPool.get(poolId(cluster.id, p.pool ?? "").toLowerCase()) : undefined;
      if (!cluster || !mark) return { status: 404, body: { error: { code: "NotFound", message: "No undrainable nodes marked on this pool." } } };
      return { status: 200, body: { ...mark, nodes: this.nodes(cluster.id, p.pool ?? "", mark.count) } };
    });
    kernel.router.control("DELETE", path, (_req, p) => {
      const cluster = this.clusterNamed(p.name ?? "");
      if (cluster) this.byPool.delete(poolId(cluster.id, p.pool ?? "").toLowerCase());
      return { status: 204 };
    });
  }

  private clusterNamed(name: string): ClusterResource | undefined {
    return this.kernel.store.list<ClusterResource>({ type: "Microsoft.ContainerService/managedClusters" }).find((c) => c.name.toLowerCase() === name.toLowerCase());
  }

  private nodes(clusterId: string, pool: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => aksNodeName(clusterId, pool, i));
  }

  /** What a rolling phase of the pool meets, if any of its nodes cannot be drained. */
  outcome(clusterId: string, pool: string, props: Pick<PoolProperties, "count" | "upgradeSettings">, surge: number, batchMs: number): DrainOutcome | undefined {
    const mark = this.byPool.get(poolId(clusterId, pool).toLowerCase());
    if (!mark) return undefined;
    const settings = record(props.upgradeSettings);
    const timeoutMs = this.kernel.scaled((typeof settings.drainTimeoutInMinutes === "number" ? settings.drainTimeoutInMinutes : 30) * 60_000);
    const blocked = Math.min(mark.count, props.count);
    const nodes = this.nodes(clusterId, pool, blocked);
    const behavior = typeof settings.undrainableNodeBehavior === "string" ? settings.undrainableNodeBehavior : "Schedule";
    if (behavior.toLowerCase() !== "cordon") {
      const err = aksErrors.drainTimeout(pool, nodes[0] ?? "", mark.pod);
      return { extraMs: timeoutMs, failure: { atOffsetMs: timeoutMs, code: err.code, message: err.message } };
    }
    const maxBlocked = maxBlockedOf(props, surge);
    // The blocked nodes are the first batches: each waits the drain timeout before it is cordoned.
    const waits = Math.ceil(blocked / Math.max(1, surge)) * timeoutMs;
    if (blocked > maxBlocked) {
      const err = aksErrors.upgradeCanceledBlockedNodes(pool, nodes, maxBlocked);
      return { extraMs: waits, failure: { atOffsetMs: Math.ceil((maxBlocked + 1) / Math.max(1, surge)) * (timeoutMs + batchMs), code: err.code, message: err.message }, quarantined: { nodes, canceled: true } };
    }
    const err = aksErrors.upgradeCompletedWithQuarantinedNodes(pool, nodes, Math.round(timeoutMs / 60_000));
    return { extraMs: waits, failure: { atOffsetMs: -1, code: err.code, message: err.message }, quarantined: { nodes, canceled: false } };
  }
}
