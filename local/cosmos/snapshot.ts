import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ContainerDefinition, CosmosClient, ItemDefinition } from "@azure/cosmos";

/**
 * What the embedded Cosmos saves: every database, container definition and document, read through
 * the Cosmos REST API (the server keeps no state of its own on disk). Documents keep `_ts` so
 * that TTL expiry can be applied at load; `_etag`, `_rid` and `_self` are reassigned by the server
 * when a document is recreated, so ETags held across a restart no longer match (a 412, which the
 * repositories already answer by re-reading).
 */
export interface CosmosSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  savedAt: string;
  databases: { id: string; containers: { definition: ContainerDefinition; items: ItemDefinition[] }[] }[];
}

export const SNAPSHOT_FORMAT = "aksops-embedded-cosmos/1";

const SERVER_ASSIGNED = ["_rid", "_self", "_etag", "_attachments", "_docs", "_sprocs", "_triggers", "_udfs", "_conflicts"] as const;

function without(resource: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...resource };
  for (const key of keys) delete copy[key];
  return copy;
}

function partitionKeyPath(definition: ContainerDefinition): string[] {
  const path = definition.partitionKey?.paths?.[0] ?? "/id";
  return path.slice(1).split("/");
}

function valueAt(doc: ItemDefinition, path: string[]): unknown {
  let node: unknown = doc;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** Identity of a document across a restart: database, container, partition key value and id. */
function documentKey(databaseId: string, definition: ContainerDefinition, item: ItemDefinition): string {
  return JSON.stringify([databaseId, definition.id, valueAt(item, partitionKeyPath(definition)), item.id]);
}

/**
 * Cosmos TTL semantics (learn.microsoft.com, "Time to Live in Azure Cosmos DB"): no `defaultTtl`
 * on the container means nothing expires; `-1` means items live forever unless they set `ttl`;
 * an item's own `ttl` overrides the container's, and `ttl: -1` keeps it forever.
 */
export function isExpired(definition: ContainerDefinition, item: ItemDefinition, nowSeconds: number): boolean {
  if (definition.defaultTtl === undefined || definition.defaultTtl === null) return false;
  const own: unknown = item.ttl;
  const ttl = typeof own === "number" ? own : definition.defaultTtl;
  const ts: unknown = item._ts;
  if (ttl < 0 || typeof ts !== "number") return false;
  return ts + ttl <= nowSeconds;
}

/**
 * Remembers the original `_ts` of restored documents: recreating a document stamps a new `_ts`,
 * which would restart its TTL at every reload. While a document's ETag is the one it got at
 * restore (nobody wrote it since), the next snapshot keeps its original `_ts`.
 */
export class RestoredTimestamps {
  private readonly byKey = new Map<string, { etag: string; ts: number }>();

  remember(key: string, etag: string, ts: number): void {
    this.byKey.set(key, { etag, ts });
  }

  originalTs(key: string, etag: unknown): number | undefined {
    const entry = this.byKey.get(key);
    return entry && entry.etag === etag ? entry.ts : undefined;
  }
}

export async function dumpAccount(client: CosmosClient, restored: RestoredTimestamps, savedAt: string): Promise<CosmosSnapshot> {
  const snapshot: CosmosSnapshot = { format: SNAPSHOT_FORMAT, savedAt, databases: [] };
  const { resources: databases } = await client.databases.readAll().fetchAll();
  for (const db of databases) {
    const database = client.database(db.id);
    const { resources: containers } = await database.containers.readAll().fetchAll();
    const saved: CosmosSnapshot["databases"][number] = { id: db.id, containers: [] };
    for (const definition of containers) {
      const { resources: items } = await database.container(definition.id).items.readAll().fetchAll();
      saved.containers.push({
        definition: without({ ...definition }, [...SERVER_ASSIGNED, "_ts"]),
        items: items.map((item): ItemDefinition => {
          const serverTs: unknown = item._ts;
          const ts = restored.originalTs(documentKey(db.id, definition, item), item._etag) ?? serverTs;
          return { ...without(item, SERVER_ASSIGNED), _ts: ts };
        })
      });
    }
    snapshot.databases.push(saved);
  }
  return snapshot;
}

/** Recreates what a snapshot holds on an empty server; documents whose TTL has run out are left behind. */
export async function restoreAccount(
  client: CosmosClient,
  snapshot: CosmosSnapshot,
  nowSeconds: number,
  restored: RestoredTimestamps
): Promise<{ documents: number; expired: number }> {
  let documents = 0;
  let expired = 0;
  for (const db of snapshot.databases) {
    const { database } = await client.databases.createIfNotExists({ id: db.id });
    for (const { definition, items } of db.containers) {
      const { container } = await database.containers.createIfNotExists(definition);
      for (const item of items) {
        if (isExpired(definition, item, nowSeconds)) {
          expired++;
          continue;
        }
        const { resource } = await container.items.create(without(item, ["_ts"]));
        const savedTs: unknown = item._ts;
        if (resource?._etag && typeof savedTs === "number") {
          restored.remember(documentKey(db.id, definition, item), resource._etag, savedTs);
        }
        documents++;
      }
    }
  }
  return { documents, expired };
}

export async function readSnapshot(path: string): Promise<CosmosSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<CosmosSnapshot>;
  if (parsed.format !== SNAPSHOT_FORMAT || !Array.isArray(parsed.databases)) {
    throw new Error(`${path} is not an embedded Cosmos snapshot (format ${String(parsed.format)})`);
  }
  return parsed as CosmosSnapshot;
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the previous snapshot intact. */
export async function writeSnapshot(path: string, snapshot: CosmosSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(snapshot));
  await rename(temporary, path);
}
