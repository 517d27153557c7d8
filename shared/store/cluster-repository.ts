import type { Container } from "@azure/cosmos";
import { Collection, type Mutation } from "./collection";
import { DuplicateError, NotFoundError } from "./errors";
import type { NowSource } from "./now";
import { isoNow } from "./now";
import type { ClusterRecord, Stored } from "./types";

/**
 * The registry's key of a cluster name. AKS names are case-insensitive (ARM resolves `AKS-PROD`
 * to `aks-prod`: "Resource and resource group names are case-insensitive unless specifically
 * noted", https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules),
 * so the registry is too: one document per folded name.
 */
export function clusterKey(name: string): string {
  return name.toLowerCase();
}

/** Records still being provisioned are not clusters yet (see `ClusterRecord.provisioning`). */
const REGISTERED = "NOT IS_DEFINED(c.provisioning)";

/**
 * One record per resource id, the first registered: a resource id belongs to at most one record,
 * and should older data hold a second (a case variant registered before names were folded), it is
 * never acted on. Keeps the callers' order.
 */
function owned(records: ClusterRecord[]): ClusterRecord[] {
  const first = new Map<string, ClusterRecord>();
  for (const c of records) {
    const key = c.resourceId.toLowerCase();
    const seen = first.get(key);
    if (!seen || c.createdAt.localeCompare(seen.createdAt) < 0) first.set(key, c);
  }
  return records.filter((c) => first.get(c.resourceId.toLowerCase()) === c);
}

/**
 * Registered clusters, one document per cluster name (container `clusters`, pk `/id`). The
 * document's Cosmos id (and partition key) is the case-folded name (`clusterKey`), the record
 * keeps the name as it was registered (`sourceId` in the document, `id` to callers): `get`,
 * `mutate` and `create` take a name in any case, and a second `create` under another case is a
 * `DuplicateError` that Cosmos itself raises, so two requests cannot race a case variant in.
 * Documents written before names were folded (stored under the name as spelled) are moved to
 * their folded id the first time they are read or mutated by that name.
 *
 * `list`, `findByResourceId`, `listInResourceGroup` and `listByEventTopic` answer registered
 * clusters only; a record being provisioned (`provisioning` set) is reachable by `get` (the
 * provisioning flow and its lock use it) and by `findOwner`.
 */
export class ClusterRepository {
  private readonly docs: Collection<ClusterRecord>;
  /** The same container addressed by names as spelled: documents from before `clusterKey`. */
  private readonly unfolded: Collection<ClusterRecord>;

  constructor(container: Container, private readonly clock: NowSource) {
    this.docs = new Collection<ClusterRecord>(container, (c) => c.id, { partitionKeyIsId: true, keyOf: clusterKey });
    this.unfolded = new Collection<ClusterRecord>(container, (c) => c.id, { partitionKeyIsId: true });
  }

  /** The record of a name, in any case (registered or being provisioned). */
  async get(id: string): Promise<Stored<ClusterRecord> | undefined> {
    const found = await this.docs.read(id, id);
    if (found || clusterKey(id) === id) return found;
    return (await this.moveUnfolded(id)) ? this.docs.read(id, id) : undefined;
  }

  /**
   * A document stored under its name as spelled (before names were folded) moves to its folded id.
   * When the folded id is taken (two names that differ only in case, registered before), the
   * document stays where it is, untouched, and the name resolves to the folded one's record.
   */
  private async moveUnfolded(id: string): Promise<boolean> {
    const legacy = await this.unfolded.read(id, id);
    if (!legacy) return false;
    try {
      await this.docs.create(legacy.doc);
    } catch (err) {
      if (err instanceof DuplicateError) return true;
      throw err;
    }
    await this.unfolded.remove(id, id);
    return true;
  }

  /** Registered clusters (not those being provisioned), one per resource id (see `owned`). */
  async list(): Promise<ClusterRecord[]> {
    return owned(await this.docs.query(`SELECT * FROM c WHERE ${REGISTERED} ORDER BY c.id`));
  }

  /**
   * The registered cluster of a managed cluster id. ARM resource ids are case-insensitive, so the
   * match is too. A resource id belongs to one record; should older data hold two, the first
   * registered one is the owner (the later one could only be a case variant that took it over).
   */
  async findByResourceId(resourceId: string): Promise<ClusterRecord | undefined> {
    return (await this.owners(resourceId)).find((c) => c.provisioning === undefined);
  }

  /** Whatever record claims the resource id: registered, or being provisioned (first registered first). */
  async findOwner(resourceId: string): Promise<ClusterRecord | undefined> {
    return (await this.owners(resourceId))[0];
  }

  private async owners(resourceId: string): Promise<ClusterRecord[]> {
    const found = await this.docs.query("SELECT * FROM c WHERE LOWER(c.resourceId) = @resourceId", [
      { name: "@resourceId", value: resourceId.toLowerCase() }
    ]);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /**
   * The clusters of one resource group (they share its budget). Subscription ids and group names
   * are case-insensitive in ARM, so the match is too. One query, not the whole registry per review.
   */
  async listInResourceGroup(subscriptionId: string, resourceGroup: string): Promise<ClusterRecord[]> {
    return owned(await this.docs.query(`SELECT * FROM c WHERE LOWER(c.subscriptionId) = @subscriptionId AND LOWER(c.resourceGroup) = @resourceGroup AND ${REGISTERED} ORDER BY c.id`, [
      { name: "@subscriptionId", value: subscriptionId.toLowerCase() },
      { name: "@resourceGroup", value: resourceGroup.toLowerCase() }
    ]));
  }

  /** The clusters whose Event Grid system topic is `topic` (an event's `topic` is an ARM id), first registered first. */
  async listByEventTopic(topic: string): Promise<ClusterRecord[]> {
    const found = await this.docs.query(`SELECT * FROM c WHERE LOWER(c.eventTopic) = @topic AND ${REGISTERED}`, [
      { name: "@topic", value: topic.toLowerCase() }
    ]);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Registers a cluster; throws `DuplicateError` when the name is taken in any case (adopt answers 409). */
  async create(record: ClusterRecord): Promise<Stored<ClusterRecord>> {
    return this.docs.create(record);
  }

  /** Writes the record; with `etag`, only if nobody changed it since (a Cosmos 412 is thrown otherwise). */
  async upsert(record: ClusterRecord, etag?: string): Promise<Stored<ClusterRecord>> {
    return this.docs.write({ ...record, updatedAt: isoNow(this.clock) }, etag);
  }

  /** Read-modify-write under the ETag, retried on 412; stamps `updatedAt`. */
  async mutate(id: string, mutation: Mutation<ClusterRecord>, maxAttempts?: number): Promise<Stored<ClusterRecord>> {
    const run = () => this.docs.mutate(
      id,
      id,
      async (current) => {
        const next = await mutation(current);
        return next && { ...next, updatedAt: isoNow(this.clock) };
      },
      maxAttempts
    );
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof NotFoundError) || clusterKey(id) === id || !(await this.moveUnfolded(id))) throw err;
      return run();
    }
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.docs.remove(id, id);
    return clusterKey(id) === id ? removed : (await this.unfolded.remove(id, id)) || removed;
  }
}
