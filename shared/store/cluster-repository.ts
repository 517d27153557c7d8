import type { Container } from "@azure/cosmos";
import { Collection, type Mutation } from "./collection";
import type { NowSource } from "./now";
import { isoNow } from "./now";
import type { ClusterRecord, Stored } from "./types";

/** Registered clusters, one document per cluster name (container `clusters`, pk `/id`). */
export class ClusterRepository {
  private readonly docs: Collection<ClusterRecord>;

  constructor(container: Container, private readonly clock: NowSource) {
    this.docs = new Collection<ClusterRecord>(container, (c) => c.id, { partitionKeyIsId: true });
  }

  async get(id: string): Promise<Stored<ClusterRecord> | undefined> {
    return this.docs.read(id, id);
  }

  async list(): Promise<ClusterRecord[]> {
    return this.docs.query("SELECT * FROM c ORDER BY c.id");
  }

  /** ARM resource ids are case-insensitive, so the match is too. */
  async findByResourceId(resourceId: string): Promise<ClusterRecord | undefined> {
    const found = await this.docs.query("SELECT * FROM c WHERE LOWER(c.resourceId) = @resourceId", [
      { name: "@resourceId", value: resourceId.toLowerCase() }
    ]);
    return found[0];
  }

  /**
   * The clusters of one resource group (they share its budget). Subscription ids and group names
   * are case-insensitive in ARM, so the match is too. One query, not the whole registry per review.
   */
  async listInResourceGroup(subscriptionId: string, resourceGroup: string): Promise<ClusterRecord[]> {
    return this.docs.query("SELECT * FROM c WHERE LOWER(c.subscriptionId) = @subscriptionId AND LOWER(c.resourceGroup) = @resourceGroup ORDER BY c.id", [
      { name: "@subscriptionId", value: subscriptionId.toLowerCase() },
      { name: "@resourceGroup", value: resourceGroup.toLowerCase() }
    ]);
  }

  /** The clusters whose Event Grid system topic is `topic` (an event's `topic` is an ARM id). */
  async listByEventTopic(topic: string): Promise<ClusterRecord[]> {
    return this.docs.query("SELECT * FROM c WHERE LOWER(c.eventTopic) = @topic ORDER BY c.id", [
      { name: "@topic", value: topic.toLowerCase() }
    ]);
  }

  /** Registers a cluster; throws `DuplicateError` when the name is taken (adopt answers 409). */
  async create(record: ClusterRecord): Promise<Stored<ClusterRecord>> {
    return this.docs.create(record);
  }

  /** Writes the record; with `etag`, only if nobody changed it since (a Cosmos 412 is thrown otherwise). */
  async upsert(record: ClusterRecord, etag?: string): Promise<Stored<ClusterRecord>> {
    return this.docs.write({ ...record, updatedAt: isoNow(this.clock) }, etag);
  }

  /** Read-modify-write under the ETag, retried on 412; stamps `updatedAt`. */
  async mutate(id: string, mutation: Mutation<ClusterRecord>, maxAttempts?: number): Promise<Stored<ClusterRecord>> {
    return this.docs.mutate(
      id,
      id,
      async (current) => {
        const next = await mutation(current);
        return next && { ...next, updatedAt: isoNow(this.clock) };
      },
      maxAttempts
    );
  }

  async remove(id: string): Promise<boolean> {
    return this.docs.remove(id, id);
  }
}
