import type { Container, ItemDefinition, SqlParameter } from "@azure/cosmos";
import { ConcurrencyError, DuplicateError, NotFoundError, cosmosStatus } from "./errors";
import { cosmosId } from "./ids";
import type { Stored } from "./types";

/** Properties Cosmos adds to every document; stripped so callers see only their own fields. */
const SYSTEM_PROPERTIES = ["_rid", "_self", "_etag", "_ts", "_attachments", "_lsn"] as const;

export const DEFAULT_MUTATE_ATTEMPTS = 10;

/**
 * What a mutation returns: the new document, or `undefined` to leave the stored one as it is.
 * It may run more than once (after a lost ETag race), so it must have no side effects; it may be
 * async, to read something else first, but the longer it takes the likelier it loses the race.
 */
export type Mutation<T> = (current: T) => T | undefined | Promise<T | undefined>;

/** A document as its repository sees it: no system properties, and its own id back (see `cosmosId`). */
function strip<T>(resource: ItemDefinition): T {
  const copy: Record<string, unknown> = { ...resource };
  for (const key of SYSTEM_PROPERTIES) delete copy[key];
  if (typeof copy.sourceId === "string") {
    copy.id = copy.sourceId;
    delete copy.sourceId;
  }
  return copy as T;
}

function storedOf<T>(resource: ItemDefinition | undefined, etag: string | undefined, what: string): Stored<T> {
  if (!resource || !etag) throw new Error(`Cosmos answered ${what} without a document or an ETag`);
  return { doc: strip<T>(resource), etag };
}

/**
 * Typed access to one container: the few operations the repositories need, with Cosmos's status
 * codes turned into the store's errors (409 → DuplicateError, 404 → undefined or NotFoundError,
 * 412 → re-read and retry inside `mutate`). Ids are the repositories' keys: each is stored under
 * `cosmosId(key)` (with the key in `sourceId` when the two differ), so a key from outside (`a/b`,
 * 300 characters) can never make Cosmos refuse the request; with `partitionKeyIsId` the partition
 * key (the `/id` path) is encoded the same way. With `keyOf`, keys are folded first (the cluster
 * registry folds case: Azure's names are case-insensitive), so two spellings of one key are one
 * document, and Cosmos itself refuses the second `create` (409).
 */
export class Collection<T extends { id: string }> {
  constructor(
    readonly container: Container,
    private readonly partitionKeyOf: (doc: T) => string,
    private readonly options: { partitionKeyIsId?: boolean; keyOf?: (key: string) => string } = {}
  ) {}

  /** The Cosmos item id of a key: `cosmosId` of the key as `keyOf` folds it (e.g. case-folded names). */
  private itemId(key: string): string {
    return cosmosId(this.options.keyOf ? this.options.keyOf(key) : key);
  }

  private pk(partitionKey: string): string {
    return this.options.partitionKeyIsId ? this.itemId(partitionKey) : partitionKey;
  }

  private stored(doc: T): ItemDefinition {
    const id = this.itemId(doc.id);
    return (id === doc.id ? { ...doc } : { ...doc, id, sourceId: doc.id });
  }

  get name(): string {
    return this.container.id;
  }

  async read(id: string, partitionKey: string): Promise<Stored<T> | undefined> {
    // @azure/cosmos 4 resolves a 404 read with `resource: undefined` rather than throwing.
    const response = await this.container.item(this.itemId(id), this.pk(partitionKey)).read<ItemDefinition>();
    if (response.statusCode === 404 || !response.resource) return undefined;
    return storedOf<T>(response.resource, response.etag, `a read of ${id}`);
  }

  async create(doc: T): Promise<Stored<T>> {
    try {
      const response = await this.container.items.create<ItemDefinition>(this.stored(doc));
      return storedOf<T>(response.resource, response.etag, `a create of ${doc.id}`);
    } catch (err) {
      if (cosmosStatus(err) === 409) throw new DuplicateError(this.name, doc.id, this.partitionKeyOf(doc), err);
      throw err;
    }
  }

  /** Replaces when `etag` still matches (else throws the Cosmos 412); upserts without one. */
  async write(doc: T, etag?: string): Promise<Stored<T>> {
    if (etag === undefined) {
      const response = await this.container.items.upsert<ItemDefinition>(this.stored(doc));
      return storedOf<T>(response.resource, response.etag, `an upsert of ${doc.id}`);
    }
    const response = await this.container
      .item(this.itemId(doc.id), this.pk(this.partitionKeyOf(doc)))
      .replace<ItemDefinition>(this.stored(doc), { accessCondition: { type: "IfMatch", condition: etag } });
    return storedOf<T>(response.resource, response.etag, `a replace of ${doc.id}`);
  }

  /**
   * Read, change, write back with `If-Match`; on 412 (someone else wrote in between) read again
   * and re-apply `mutation` to the fresh document, up to `maxAttempts` times. Each lost race
   * means another writer won, so retrying at once cannot livelock.
   */
  async mutate(id: string, partitionKey: string, mutation: Mutation<T>, maxAttempts = DEFAULT_MUTATE_ATTEMPTS): Promise<Stored<T>> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.read(id, partitionKey);
      if (!current) throw new NotFoundError(this.name, id, partitionKey);
      const next = await mutation(structuredClone(current.doc));
      if (next === undefined) return current;
      if (this.itemId(next.id) !== this.itemId(id) || this.pk(this.partitionKeyOf(next)) !== this.pk(partitionKey)) {
        throw new Error(`${this.name}: a mutation may not change the id or partition key of "${id}"`);
      }
      try {
        return await this.write(next, current.etag);
      } catch (err) {
        const status = cosmosStatus(err);
        if (status === 412) continue;
        if (status === 404) throw new NotFoundError(this.name, id, partitionKey);
        throw err;
      }
    }
    throw new ConcurrencyError(this.name, id, partitionKey, maxAttempts);
  }

  async remove(id: string, partitionKey: string): Promise<boolean> {
    try {
      await this.container.item(this.itemId(id), this.pk(partitionKey)).delete();
      return true;
    } catch (err) {
      if (cosmosStatus(err) === 404) return false;
      throw err;
    }
  }

  /**
   * One page of a query: at most `maxItemCount` documents, and Cosmos's continuation token when
   * there are more (passed back as it came to get the next page).
   */
  async page(sql: string, parameters: SqlParameter[], options: { maxItemCount: number; continuationToken?: string; partitionKey?: string }): Promise<{ items: T[]; continuationToken?: string }> {
    const iterator = this.container.items.query<ItemDefinition>(
      { query: sql, parameters },
      {
        maxItemCount: options.maxItemCount,
        ...(options.continuationToken !== undefined ? { continuationToken: options.continuationToken } : {}),
        ...(options.partitionKey !== undefined ? { partitionKey: this.pk(options.partitionKey) } : {})
      }
    );
    const { resources, continuationToken } = await iterator.fetchNext();
    return { items: resources.map((r) => strip<T>(r)), ...(continuationToken ? { continuationToken } : {}) };
  }

  /**
   * Runs a query and returns every page. With `partitionKey` Cosmos reads one partition; without,
   * the query fans out. Filters on the partition key must also be in the SQL: the embedded
   * server ignores the partition-key header on queries, Cosmos does not, and both then agree.
   */
  async query(sql: string, parameters: SqlParameter[] = [], partitionKey?: string): Promise<T[]> {
    // maxItemCount -1: Cosmos sizes each page itself ("'-1' Used for dynamic page size. This is a
    // maximum. Query can return 0 items in the page.": QueryRequestOptions.MaxItemCount,
    // learn.microsoft.com/dotnet/api/microsoft.azure.cosmos.queryrequestoptions.maxitemcount) and
    // fetchAll follows the continuations. The default of 100 a page made listing a 5,000-cluster
    // registry 50 requests, each of which the embedded server answers by running the whole query.
    const iterator = this.container.items.query<ItemDefinition>(
      { query: sql, parameters },
      { maxItemCount: -1, ...(partitionKey === undefined ? {} : { partitionKey: this.pk(partitionKey) }) }
    );
    const { resources } = await iterator.fetchAll();
    return resources.map((r) => strip<T>(r));
  }
}
