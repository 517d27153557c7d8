import type { Container, SqlParameter } from "@azure/cosmos";
import { Collection } from "./collection";
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

  async remove(clusterId: string, id: string): Promise<boolean> {
    return this.docs.remove(id, clusterId);
  }
}
