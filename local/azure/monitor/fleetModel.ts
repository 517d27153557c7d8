import { createHash } from "node:crypto";
import { seededDigits } from "../aks/ids";
import type { ClusterState, PoolState } from "./fleetState";

/**
 * Expands a cluster's pool counts into the nodes and system pods kube-state-metrics would report,
 * with stable names shaped like AKS's (`aks-<pool>-<8 digits>-vmss<6 base-36 digits>`), so that
 * metrics split by `node` or `pod` name the same objects from one query to the next.
 */

export interface SimNode {
  name: string;
  pool: string;
  ready: boolean;
}

export interface SimPod {
  name: string;
  namespace: string;
  node: string;
  phase: "Running" | "Pending";
  ready: boolean;
}

/** DaemonSets AKS runs on every node, and Deployments it runs on system nodes. */
const DAEMONSETS = ["kube-proxy", "azure-ip-masq-agent", "cloud-node-manager", "csi-azuredisk-node", "csi-azurefile-node"];
const SYSTEM_DEPLOYMENTS: { name: string; replicas: number }[] = [
  { name: "coredns", replicas: 2 },
  { name: "metrics-server", replicas: 2 },
  { name: "konnectivity-agent", replicas: 2 }
];

const digits = seededDigits;

function suffix(seed: string, n: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

export function nodesOf(cluster: ClusterState): SimNode[] {
  if (cluster.powerState === "Stopped") return [];
  const nodes: SimNode[] = [];
  for (const pool of cluster.pools) nodes.push(...poolNodes(cluster, pool));
  return nodes;
}

function poolNodes(cluster: ClusterState, pool: PoolState): SimNode[] {
  const scaleSet = digits(`${cluster.id.toLowerCase()}/${pool.name}`, 8);
  const total = pool.count + pool.surgeNodes;
  const out: SimNode[] = [];
  for (let i = 0; i < total; i++) {
    // The rolling batch (or the unhealthy nodes) are the first ones: AKS rolls instances in order.
    out.push({ name: `aks-${pool.name}-${scaleSet}-vmss${i.toString(36).padStart(6, "0")}`, pool: pool.name, ready: i >= pool.notReadyNodes });
  }
  return out;
}

export function podsOf(cluster: ClusterState): SimPod[] {
  const nodes = nodesOf(cluster);
  const pods: SimPod[] = [];
  for (const node of nodes) {
    for (const ds of DAEMONSETS) {
      pods.push({ name: `${ds}-${suffix(node.name + ds, 5)}`, namespace: "kube-system", node: node.name, phase: node.ready ? "Running" : "Pending", ready: node.ready });
    }
  }
  const systemPoolNames = new Set(cluster.pools.filter((p) => p.mode === "System").map((p) => p.name));
  const systemNodes = nodes.filter((n) => systemPoolNames.has(n.pool));
  const readySystemNodes = systemNodes.filter((n) => n.ready);
  let slot = 0;
  for (const dep of SYSTEM_DEPLOYMENTS) {
    const rs = suffix(`${cluster.id.toLowerCase()}/${dep.name}`, 10);
    for (let r = 0; r < dep.replicas; r++) {
      // The scheduler places replicas on Ready nodes; with none left they wait Pending.
      const node = readySystemNodes[slot++ % Math.max(1, readySystemNodes.length)];
      pods.push({
        name: `${dep.name}-${rs}-${suffix(`${rs}/${r}`, 5)}`,
        namespace: "kube-system",
        node: node?.name ?? "",
        phase: node ? "Running" : "Pending",
        ready: node !== undefined
      });
    }
  }
  return pods;
}

/**
 * CPU use of a node at a time: a steady per-node base (15-45 %) with a slow daily swing, near zero
 * while the node is NotReady (being reimaged or replaced). Deterministic, so tests can compare.
 */
export function nodeCpuPercent(node: SimNode, at: number): number {
  if (!node.ready) return 0;
  const base = 15 + (parseInt(suffix(node.name, 4), 16) % 3000) / 100;
  const swing = 5 * Math.sin((2 * Math.PI * (at % 86_400_000)) / 86_400_000);
  return Math.round((base + swing) * 100) / 100;
}
