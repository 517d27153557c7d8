import type { Container, SqlParameter } from "@azure/cosmos";
import { Collection, DEFAULT_MUTATE_ATTEMPTS } from "./collection";
import { ConcurrencyError, DuplicateError, cosmosStatus } from "./errors";
import type { FindingRecord, Stored } from "./types";

/** Conformance and drift findings (container `findings`, pk `/clusterId`), one per (cluster, rule). */
export class FindingRepository {
  private readonly docs: Collection<FindingRecord>;

  constructor(container: Container) {
    this.docs = new Collection<FindingRecord>(container, (f) => f.clusterId);
  }

  /** A re-evaluation overwrites the previous finding for the same id: findings are current state. */
  async upsert(finding: FindingRecord): Promise<Stored<FindingRecord>> {
    return this.docs.write(finding);
  }

  /**
   * Records one evaluation of one rule: a failure keeps the `firstSeenAt` of the failure it
   * continues and moves `lastSeenAt`; a pass after a failure is kept as resolved (`resolvedAt`);
   * a pass with no failure before it writes nothing (no finding, no write). Returns what is stored.
   */
  async observe(finding: Omit<FindingRecord, "firstSeenAt" | "lastSeenAt" | "resolvedAt">): Promise<FindingRecord | undefined> {
    for (let attempt = 1; attempt <= DEFAULT_MUTATE_ATTEMPTS; attempt++) {
      const current = await this.docs.read(finding.id, finding.clusterId);
      const next = nextFinding(current?.doc, finding);
      if (!next) return current?.doc;
      try {
        if (!current) return (await this.docs.create(next)).doc;
        return (await this.docs.write(next, current.etag)).doc;
      } catch (err) {
        if (err instanceof DuplicateError || cosmosStatus(err) === 412) continue;
        throw err;
      }
    }
    throw new ConcurrencyError(this.docs.name, finding.id, finding.clusterId, DEFAULT_MUTATE_ATTEMPTS);
  }

  async get(clusterId: string, id: string): Promise<Stored<FindingRecord> | undefined> {
    return this.docs.read(id, clusterId);
  }

  async listByCluster(clusterId: string, filter: { status?: FindingRecord["status"]; category?: FindingRecord["category"] } = {}): Promise<FindingRecord[]> {
    const where = ["c.clusterId = @clusterId"];
    const parameters: SqlParameter[] = [{ name: "@clusterId", value: clusterId }];
    if (filter.status) {
      where.push("c.status = @status");
      parameters.push({ name: "@status", value: filter.status });
    }
    if (filter.category) {
      where.push("c.category = @category");
      parameters.push({ name: "@category", value: filter.category });
    }
    return this.docs.query(`SELECT * FROM c WHERE ${where.join(" AND ")} ORDER BY c.rule`, parameters, clusterId);
  }

  /**
   * Every failing finding's cluster, severity and category, in one cross-partition query: the fleet
   * list's counts without a query per cluster.
   */
  async failingByCluster(): Promise<Map<string, Pick<FindingRecord, "severity" | "category">[]>> {
    const rows = (await this.docs.query("SELECT c.clusterId, c.severity, c.category FROM c WHERE c.status = @status", [{ name: "@status", value: "fail" }])) as unknown as Pick<FindingRecord, "clusterId" | "severity" | "category">[];
    const out = new Map<string, Pick<FindingRecord, "severity" | "category">[]>();
    for (const r of rows) {
      const list = out.get(r.clusterId) ?? [];
      list.push({ severity: r.severity, category: r.category });
      out.set(r.clusterId, list);
    }
    return out;
  }

  async remove(clusterId: string, id: string): Promise<boolean> {
    return this.docs.remove(id, clusterId);
  }
}

/** The stored finding after one evaluation; `undefined` when nothing needs writing. */
export function nextFinding(
  previous: FindingRecord | undefined,
  observed: Omit<FindingRecord, "firstSeenAt" | "lastSeenAt" | "resolvedAt">
): FindingRecord | undefined {
  if (observed.status === "fail") {
    const continuing = previous?.status === "fail";
    return { ...observed, firstSeenAt: continuing ? (previous.firstSeenAt ?? previous.observedAt) : observed.observedAt, lastSeenAt: observed.observedAt };
  }
  if (!previous) return undefined;
  if (previous.status === "pass") return undefined;
  return { ...observed, firstSeenAt: previous.firstSeenAt ?? previous.observedAt, lastSeenAt: previous.lastSeenAt ?? previous.observedAt, resolvedAt: observed.observedAt };
}
