import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { ContainerDefinition, ItemDefinition } from "@azure/cosmos";
import { SNAPSHOT_FORMAT, type CosmosSnapshot } from "./snapshot";

/** What the server assigns and reassigns when a document is recreated; never stored. */
const SERVER_ASSIGNED = ["_rid", "_self", "_etag", "_attachments", "_docs", "_sprocs", "_triggers", "_udfs", "_conflicts"] as const;

function without(resource: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...resource };
  for (const key of keys) delete copy[key];
  return copy;
}

/** The first partition key path of a container as property names (`/clusterId` → `["clusterId"]`). */
export function partitionKeyPath(definition: Pick<ContainerDefinition, "partitionKey">): string[] {
  const path = definition.partitionKey?.paths?.[0] ?? "/id";
  return path.slice(1).split("/");
}

/** A document's partition key value, as the journal keys it (`~none` when the document has none). */
export function partitionKeyOf(definition: Pick<ContainerDefinition, "partitionKey">, doc: Record<string, unknown>): string {
  let node: unknown = doc;
  for (const key of partitionKeyPath(definition)) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return partitionKeyValue(node);
}

/** The journal's key for a partition key value (`x-ms-documentdb-partitionkey: ["v"]` → `"v"`); objects (`{}` = none) and undefined → `~none`. */
export function partitionKeyValue(value: unknown): string {
  return value === undefined || (typeof value === "object" && value !== null) ? "~none" : JSON.stringify(value);
}

/**
 * The embedded Cosmos' durable copy: one SQLite row per database, container and document, written
 * in the same synchronous step that releases the server's response (see `embedded-cosmos.ts`), so
 * an acknowledged write is in the database file before the client hears of it. WAL with
 * `synchronous = NORMAL`, as the durable engine's store: a committed write survives the process
 * being killed at any instant; only an OS crash or power loss can lose the last commits. FULL
 * (an fsync per commit) cost 12 ms per write here against 1.6 ms, and since the durable store beside
 * it is NORMAL, FULL would not make the platform as a whole survive an OS crash anyway.
 */
export class CosmosJournal {
  private readonly db: DatabaseSync;
  private depth = 0;
  private readonly stmts;
  /** Container definitions by `db/container`, for the partition key of documents written to it. */
  private readonly containers = new Map<string, ContainerDefinition>();

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS databases (id TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS containers (db TEXT NOT NULL, id TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (db, id));
      CREATE TABLE IF NOT EXISTS documents (
        db TEXT NOT NULL, container TEXT NOT NULL, pk TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (db, container, pk, id));
    `);
    this.stmts = {
      putDatabase: this.db.prepare("INSERT OR IGNORE INTO databases VALUES (?)"),
      deleteDatabase: this.db.prepare("DELETE FROM databases WHERE id = ?"),
      deleteContainersOf: this.db.prepare("DELETE FROM containers WHERE db = ?"),
      deleteDocumentsOfDb: this.db.prepare("DELETE FROM documents WHERE db = ?"),
      putContainer: this.db.prepare("INSERT INTO containers VALUES (?, ?, ?) ON CONFLICT(db, id) DO UPDATE SET definition = excluded.definition"),
      deleteContainer: this.db.prepare("DELETE FROM containers WHERE db = ? AND id = ?"),
      deleteDocumentsOf: this.db.prepare("DELETE FROM documents WHERE db = ? AND container = ?"),
      putDocument: this.db.prepare("INSERT INTO documents VALUES (?, ?, ?, ?, ?) ON CONFLICT(db, container, pk, id) DO UPDATE SET body = excluded.body"),
      deleteDocument: this.db.prepare("DELETE FROM documents WHERE db = ? AND container = ? AND pk = ? AND id = ?"),
      deleteDocumentAnyPk: this.db.prepare("DELETE FROM documents WHERE db = ? AND container = ? AND id = ?"),
      databases: this.db.prepare("SELECT id FROM databases ORDER BY id"),
      containersOf: this.db.prepare("SELECT id, definition FROM containers WHERE db = ? ORDER BY id"),
      documentsOf: this.db.prepare("SELECT body FROM documents WHERE db = ? AND container = ?")
    };
    for (const dbRow of this.stmts.databases.all() as { id: string }[]) {
      for (const row of this.stmts.containersOf.all(dbRow.id) as { id: string; definition: string }[]) {
        this.containers.set(`${dbRow.id}/${row.id}`, JSON.parse(row.definition) as ContainerDefinition);
      }
    }
  }

  isEmpty(): boolean {
    return this.stmts.databases.all().length === 0;
  }

  /** Runs `fn` as one transaction: a request's effects are all on disk or none is. */
  atomically(fn: () => void): void {
    // node:sqlite has no transaction helper: BEGIN IMMEDIATE … COMMIT, rolled back if `fn` throws
    // (a nested call joins the outer transaction).
    if (this.depth > 0) {
      fn();
      return;
    }
    this.db.exec("BEGIN IMMEDIATE");
    this.depth++;
    try {
      fn();
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    } finally {
      this.depth--;
    }
  }

  putDatabase(id: string): void {
    this.stmts.putDatabase.run(id);
  }

  deleteDatabase(id: string): void {
    this.stmts.deleteDocumentsOfDb.run(id);
    this.stmts.deleteContainersOf.run(id);
    this.stmts.deleteDatabase.run(id);
    for (const key of [...this.containers.keys()]) if (key.startsWith(`${id}/`)) this.containers.delete(key);
  }

  putContainer(db: string, definition: ContainerDefinition): void {
    const stored = without({ ...definition }, [...SERVER_ASSIGNED, "_ts"]) as ContainerDefinition;
    this.stmts.putDatabase.run(db);
    this.stmts.putContainer.run(db, String(stored.id), JSON.stringify(stored));
    this.containers.set(`${db}/${String(stored.id)}`, stored);
  }

  deleteContainer(db: string, id: string): void {
    this.stmts.deleteDocumentsOf.run(db, id);
    this.stmts.deleteContainer.run(db, id);
    this.containers.delete(`${db}/${id}`);
  }

  /** Stores a document as the server returned it, without server-assigned fields but with `_ts` (TTL at load). */
  putDocument(db: string, container: string, doc: Record<string, unknown>): void {
    const definition = this.containers.get(`${db}/${container}`) ?? {};
    const id = doc.id;
    if (typeof id !== "string") throw new Error(`embedded Cosmos journal: a document in ${db}/${container} has no string id`);
    this.stmts.putDocument.run(db, container, partitionKeyOf(definition, doc), id, JSON.stringify(without(doc, SERVER_ASSIGNED)));
  }

  /** `pk` undefined: the request named no partition key, so every document with that id goes. */
  deleteDocument(db: string, container: string, id: string, pk: string | undefined): void {
    if (pk === undefined) this.stmts.deleteDocumentAnyPk.run(db, container, id);
    else this.stmts.deleteDocument.run(db, container, pk, id);
  }

  /** Everything stored, in the shape `restoreAccount` recreates. */
  load(): CosmosSnapshot {
    const snapshot: CosmosSnapshot = { format: SNAPSHOT_FORMAT, savedAt: new Date().toISOString(), databases: [] };
    for (const { id: db } of this.stmts.databases.all() as { id: string }[]) {
      const containers = (this.stmts.containersOf.all(db) as { id: string; definition: string }[]).map((row) => ({
        definition: JSON.parse(row.definition) as ContainerDefinition,
        items: (this.stmts.documentsOf.all(db, row.id) as { body: string }[]).map((d) => JSON.parse(d.body) as ItemDefinition)
      }));
      snapshot.databases.push({ id: db, containers });
    }
    return snapshot;
  }

  /** Takes over a snapshot written by an earlier version (`snapshot.json`). */
  importSnapshot(snapshot: CosmosSnapshot): void {
    this.atomically(() => {
      for (const db of snapshot.databases) {
        this.putDatabase(db.id);
        for (const { definition, items } of db.containers) {
          this.putContainer(db.id, definition);
          for (const item of items) this.putDocument(db.id, String(definition.id), item);
        }
      }
    });
  }

  close(): void {
    this.db.close();
  }
}
