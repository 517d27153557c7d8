import type { Container } from "@azure/cosmos";
import { Collection, type Mutation } from "./collection";
import { DuplicateError } from "./errors";
import type { EventRecord, Stored } from "./types";

export type RecordOutcome = "new" | "duplicate";

/** Received Event Grid events (container `events`, pk `/id`, with a TTL): deduplication and audit. */
export class EventRepository {
  private readonly docs: Collection<EventRecord>;

  constructor(container: Container) {
    this.docs = new Collection<EventRecord>(container, (e) => e.id, { partitionKeyIsId: true });
  }

  /**
   * Records an event the first time its id is seen. Event Grid delivers at least once, so the
   * same id arriving again is normal: the create's 409 answers `duplicate`, and the caller
   * acknowledges without acting. The create is the single atomic check; no read comes first.
   */
  async recordOnce(event: EventRecord): Promise<RecordOutcome> {
    try {
      await this.docs.create(event);
      return "new";
    } catch (err) {
      if (err instanceof DuplicateError) return "duplicate";
      throw err;
    }
  }

  async get(id: string): Promise<Stored<EventRecord> | undefined> {
    return this.docs.read(id, id);
  }

  /** Notes what was done with an event (`disposition`, `operationId`) after routing it. */
  async mutate(id: string, mutation: Mutation<EventRecord>, maxAttempts?: number): Promise<Stored<EventRecord>> {
    return this.docs.mutate(id, id, mutation, maxAttempts);
  }

  /** Events about one cluster, newest first (audit view). */
  async listByCluster(clusterId: string, limit = 100): Promise<EventRecord[]> {
    return this.docs.query(`SELECT TOP ${Math.max(0, Math.floor(limit))} * FROM c WHERE c.clusterId = @clusterId ORDER BY c.receivedAt DESC`, [
      { name: "@clusterId", value: clusterId }
    ]);
  }
}
