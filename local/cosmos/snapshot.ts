import { readFile } from "node:fs/promises";
import type { ContainerDefinition, CosmosClient, ItemDefinition } from "@azure/cosmos";

/**
 * Everything the embedded Cosmos keeps: every database, container definition and document, as its
 * journal (`journal.ts`) loads it and as earlier versions wrote `snapshot.json`. Documents keep `_ts`
 * so that TTL expiry can be applied at load; `_etag`, `_rid` and `_self` are reassigned by the
 * server when a document is recreated, so ETags held across a restart no longer match (a 412,
 * which the repositories already answer by re-reading).
 */
export interface CosmosSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  savedAt: string;
  databases: { id: string; containers: { definition: ContainerDefinition; items: ItemDefinition[] }[] }[];
}

export const SNAPSHOT_FORMAT = "aksops-embedded-cosmos/1";

function without(resource: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...resource };
  for (const key of keys) delete copy[key];
  return copy;
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

/** Recreates what a snapshot holds on an empty server; documents whose TTL has run out are left behind. */
export async function restoreAccount(
  client: CosmosClient,
  snapshot: CosmosSnapshot,
  nowSeconds: number,
  onExpired: (database: string, definition: ContainerDefinition, item: ItemDefinition) => void = () => undefined
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
          onExpired(db.id, definition, item);
          continue;
        }
        await container.items.create(without(item, ["_ts"]));
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
