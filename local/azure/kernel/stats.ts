import { EventEmitter } from "node:events";

export interface RequestRecord {
  operation: string;
  method: string;
  path: string;
  status: number;
  subscriptionId?: string;
  /** Data-plane batches: the resource ids the request named (its path names none). */
  resources?: string[];
}

/** ARM requests counted by operation and status, for benchmarks (`GET /_sim/stats`). */
export class SimStats extends EventEmitter<{ response: [RequestRecord] }> {
  private counts = new Map<string, Map<number, number>>();
  total = 0;
  throttled = 0;

  record(r: RequestRecord): void {
    this.total++;
    if (r.status === 429) this.throttled++;
    const byStatus = this.counts.get(r.operation) ?? new Map<number, number>();
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    this.counts.set(r.operation, byStatus);
    this.emit("response", r);
  }

  count(operation: string, status?: number): number {
    const byStatus = this.counts.get(operation);
    if (!byStatus) return 0;
    if (status !== undefined) return byStatus.get(status) ?? 0;
    let n = 0;
    for (const c of byStatus.values()) n += c;
    return n;
  }

  toJSON(): { total: number; throttled: number; operations: Record<string, Record<string, number>> } {
    const operations: Record<string, Record<string, number>> = {};
    for (const [op, byStatus] of this.counts) {
      operations[op] = Object.fromEntries([...byStatus].map(([s, c]) => [String(s), c]));
    }
    return { total: this.total, throttled: this.throttled, operations };
  }

  reset(): void {
    this.counts = new Map();
    this.total = 0;
    this.throttled = 0;
  }
}
