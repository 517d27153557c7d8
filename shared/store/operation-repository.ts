import type { Container, SqlParameter } from "@azure/cosmos";
import { cosmosId } from "./ids";
import { Collection, type Mutation } from "./collection";
import { isoNow, type NowSource } from "./now";
import type { OperationKind, OperationRecord, OperationStatus, Stored } from "./types";

export interface OperationQuery {
  clusterId?: string;
  /** One status, or any of several (e.g. every active status). */
  status?: OperationStatus | readonly OperationStatus[];
  kind?: OperationKind;
  /** At most this many, newest first. */
  limit?: number;
}

/** Operation records (container `operations`, pk `/clusterId`): one per platform operation. */
export class OperationRepository {
  private readonly docs: Collection<OperationRecord>;

  constructor(container: Container, private readonly clock: NowSource) {
    this.docs = new Collection<OperationRecord>(container, (o) => o.clusterId);
  }

  /** Throws `DuplicateError` when the id exists in the cluster's partition. */
  async create(record: OperationRecord): Promise<Stored<OperationRecord>> {
    return this.docs.create(record);
  }

  async get(clusterId: string, id: string): Promise<Stored<OperationRecord> | undefined> {
    return this.docs.read(id, clusterId);
  }

  /** By id alone (`GET /api/operations/{id}`): a cross-partition query, so prefer `get` when the cluster is known. */
  async findById(id: string): Promise<OperationRecord | undefined> {
    const found = await this.docs.query("SELECT * FROM c WHERE c.id = @id", [{ name: "@id", value: cosmosId(id) }]);
    return found[0];
  }

  /** Newest first. Confined to one partition when `clusterId` is given. */
  async query(filter: OperationQuery = {}): Promise<OperationRecord[]> {
    const { sql, parameters } = this.sqlOf(filter);
    return this.docs.query(sql, parameters, filter.clusterId);
  }

  /** One page of `query`, newest first: at most `top`, and Cosmos's continuation token when there is more. */
  async page(filter: Omit<OperationQuery, "limit">, top: number, continuationToken?: string): Promise<{ value: OperationRecord[]; continuationToken?: string }> {
    const { sql, parameters } = this.sqlOf(filter);
    const page = await this.docs.page(sql, parameters, {
      maxItemCount: top, ...(continuationToken !== undefined ? { continuationToken } : {}), ...(filter.clusterId !== undefined ? { partitionKey: filter.clusterId } : {})
    });
    return { value: page.items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
  }

  private sqlOf(filter: OperationQuery): { sql: string; parameters: SqlParameter[] } {
    const where: string[] = [];
    const parameters: SqlParameter[] = [];
    if (filter.clusterId !== undefined) {
      where.push("c.clusterId = @clusterId");
      parameters.push({ name: "@clusterId", value: filter.clusterId });
    }
    if (filter.status !== undefined) {
      const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
      where.push("ARRAY_CONTAINS(@statuses, c.status)");
      parameters.push({ name: "@statuses", value: statuses });
    }
    if (filter.kind !== undefined) {
      where.push("c.kind = @kind");
      parameters.push({ name: "@kind", value: filter.kind });
    }
    const top = filter.limit !== undefined ? `TOP ${Math.max(0, Math.floor(filter.limit))} ` : "";
    const sql = `SELECT ${top}* FROM c${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY c.timings.createdAt DESC`;
    return { sql, parameters };
  }

  /** Read-modify-write under the ETag, retried on 412; stamps `timings.updatedAt`. */
  async mutate(clusterId: string, id: string, mutation: Mutation<OperationRecord>, maxAttempts?: number): Promise<Stored<OperationRecord>> {
    return this.docs.mutate(
      id,
      clusterId,
      async (current) => {
        const next = await mutation(current);
        return next && { ...next, timings: { ...next.timings, updatedAt: isoNow(this.clock) } };
      },
      maxAttempts
    );
  }
}
