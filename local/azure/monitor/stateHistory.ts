import type { ClusterState } from "./fleetState";

/**
 * Azure Monitor returns metrics for past time buckets, but the AKS model only knows the present.
 * The history keeps a sample of each cluster's state whenever someone looks (a metrics query, an
 * AKS event passing through Event Grid, an explicit observe), and answers "what was the state at
 * time t" with the latest sample at or before t (the first sample for earlier times, nothing before
 * the cluster was created). A change between two samples is seen from the later sample's time.
 */
export interface StateSample {
  at: number;
  state: ClusterState;
}

export class ClusterStateHistory {
  private readonly samples = new Map<string, StateSample[]>();
  /** The last sample of each cluster, serialised once (comparing against it is the common case). */
  private readonly lastJson = new Map<string, string>();

  constructor(private readonly maxSamplesPerCluster = 2000) {}

  observe(at: number, states: ClusterState[]): void {
    for (const state of states) {
      const key = state.id.toLowerCase();
      const list = this.samples.get(key) ?? [];
      const last = list[list.length - 1];
      const json = JSON.stringify(state);
      if (last && this.lastJson.get(key) === json) continue;
      if (last && last.at > at) continue;
      // Two changes at the same instant: the later one wins.
      if (last && last.at === at) list.pop();
      list.push({ at, state: structuredClone(state) });
      this.lastJson.set(key, json);
      if (list.length > this.maxSamplesPerCluster) list.shift();
      this.samples.set(key, list);
    }
  }

  stateAt(clusterId: string, at: number): ClusterState | undefined {
    const list = this.samples.get(clusterId.toLowerCase());
    if (!list || list.length === 0) return undefined;
    const first = list[0];
    if (first?.state.createdAt && at < Date.parse(first.state.createdAt)) return undefined;
    let found = first;
    for (const s of list) {
      if (s.at > at) break;
      found = s;
    }
    return found?.state;
  }

  /** The samples of a cluster within [from, to], with the state in effect at `from` first. */
  segments(clusterId: string, from: number, to: number): { from: number; to: number; state: ClusterState }[] {
    const list = this.samples.get(clusterId.toLowerCase()) ?? [];
    const out: { from: number; to: number; state: ClusterState }[] = [];
    const start = this.stateAt(clusterId, from);
    const createdAt = list[0]?.state.createdAt ? Date.parse(list[0].state.createdAt) : undefined;
    let cursor = createdAt !== undefined ? Math.max(from, createdAt) : from;
    let current = start ?? (createdAt !== undefined && createdAt <= to ? list[0]?.state : undefined);
    for (const s of list) {
      if (s.at <= cursor) continue;
      if (s.at >= to) break;
      if (current) out.push({ from: cursor, to: s.at, state: current });
      cursor = s.at;
      current = s.state;
    }
    if (current && cursor < to) out.push({ from: cursor, to, state: current });
    return out;
  }

  forget(clusterId: string): void {
    this.samples.delete(clusterId.toLowerCase());
  }
}
