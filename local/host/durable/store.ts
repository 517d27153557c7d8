/**
 * SQLite persistence of the durable engine (`<dataDir>/durable.sqlite`, WAL). Everything one
 * orchestration episode or one activity checkpoint changes is written in a single transaction, so
 * a process killed at any point restarts from a consistent state: work whose result was not
 * committed is still in `messages` and runs again. SQLite is Node's own (`node:sqlite`, Node 22), so
 * nothing native is built at install.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { HistoryEvent } from "./history";
import type { EntityOperation, EntityRecord, ExecutionState, InstanceRecord, Message, NewMessage, RuntimeStatus } from "./model";

interface InstanceRow {
  instance_id: string; name: string; execution_id: string; status: string; input: string | null; output: string | null;
  custom_status: string | null; created_at: number; updated_at: number; parent_instance_id: string | null;
  parent_execution_id: string | null; parent_task_id: number | null; state: string;
}

interface MessageRow { id: number; instance_id: string; kind: string; execution_id: string | null; visible_at: number; body: string }

export interface InstanceQuery {
  statuses?: RuntimeStatus[];
  createdFrom?: number;
  createdTo?: number;
  /** Exclusive lower bound on (created_at, instance_id) for paging. */
  after?: { createdAt: number; instanceId: string };
  limit?: number;
  instanceIdPrefix?: string;
}

/** Changes of one checkpoint, applied atomically by `commit`. */
export interface Checkpoint {
  upsertInstances?: InstanceRecord[];
  appendHistory?: { instanceId: string; executionId: string; events: HistoryEvent[]; firstSeq: number }[];
  /** Replace an instance's history (continue-as-new, restart of a terminal instance). */
  resetHistory?: string[];
  deleteMessages?: number[];
  /** Delete every event message of an instance (it completed), optionally only those of other executions. */
  dropEventMessagesOf?: string[];
  addMessages?: NewMessage[];
  upsertEntities?: EntityRecord[];
}

export class DurableStore {
  private readonly db: DatabaseSync;
  private readonly stmts;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(path.join(dataDir, "durable.sqlite"));
    // NORMAL in WAL mode keeps every committed transaction across a process crash (only an OS crash can lose the tail).
    // wal_autocheckpoint: the WAL is copied back into the database every 10,000 pages (40 MB) instead of
    // SQLite's default 1,000 (sqlite.org/pragma.html#pragma_wal_autocheckpoint); an engine of many small
    // transactions (one per episode) spent a fifth of its commit time in checkpoints. Durability is the WAL's either way.
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000;");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS instances (
        instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, execution_id TEXT NOT NULL, status TEXT NOT NULL,
        input TEXT, output TEXT, custom_status TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        parent_instance_id TEXT, parent_execution_id TEXT, parent_task_id INTEGER, state TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS instances_by_created ON instances(created_at, instance_id);
      CREATE TABLE IF NOT EXISTS history (
        instance_id TEXT NOT NULL, seq INTEGER NOT NULL, execution_id TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq));
      CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, kind TEXT NOT NULL,
        execution_id TEXT, visible_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS messages_by_instance ON messages(instance_id);
      CREATE TABLE IF NOT EXISTS entities (
        entity_id TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, exists_ INTEGER NOT NULL, state TEXT, updated_at INTEGER NOT NULL);
    `);
    this.stmts = {
      upsertInstance: this.db.prepare(`INSERT INTO instances VALUES (@instance_id, @name, @execution_id, @status, @input, @output,
        @custom_status, @created_at, @updated_at, @parent_instance_id, @parent_execution_id, @parent_task_id, @state)
        ON CONFLICT(instance_id) DO UPDATE SET name=excluded.name, execution_id=excluded.execution_id, status=excluded.status,
        input=excluded.input, output=excluded.output, custom_status=excluded.custom_status, created_at=excluded.created_at,
        updated_at=excluded.updated_at, parent_instance_id=excluded.parent_instance_id,
        parent_execution_id=excluded.parent_execution_id, parent_task_id=excluded.parent_task_id, state=excluded.state`),
      getInstance: this.db.prepare("SELECT * FROM instances WHERE instance_id = ?"),
      history: this.db.prepare("SELECT body FROM history WHERE instance_id = ? ORDER BY seq"),
      appendHistory: this.db.prepare("INSERT INTO history VALUES (?, ?, ?, ?)"),
      resetHistory: this.db.prepare("DELETE FROM history WHERE instance_id = ?"),
      deleteMessage: this.db.prepare("DELETE FROM messages WHERE id = ?"),
      dropEventMessages: this.db.prepare("DELETE FROM messages WHERE instance_id = ? AND kind = 'event'"),
      addMessage: this.db.prepare("INSERT INTO messages (instance_id, kind, execution_id, visible_at, body) VALUES (?, ?, ?, ?, ?)"),
      allMessages: this.db.prepare("SELECT * FROM messages ORDER BY id"),
      messagesOf: this.db.prepare("SELECT id FROM messages WHERE instance_id = ?"),
      deleteInstance: this.db.prepare("DELETE FROM instances WHERE instance_id = ?"),
      deleteMessagesOf: this.db.prepare("DELETE FROM messages WHERE instance_id = ?"),
      getEntity: this.db.prepare("SELECT * FROM entities WHERE entity_id = ?"),
      upsertEntity: this.db.prepare(`INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(entity_id) DO UPDATE SET
        exists_=excluded.exists_, state=excluded.state, updated_at=excluded.updated_at`),
    };
  }

  getInstance(instanceId: string): InstanceRecord | undefined {
    const row = this.stmts.getInstance.get(instanceId) as unknown as InstanceRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  loadHistory(instanceId: string): HistoryEvent[] {
    return (this.stmts.history.all(instanceId) as unknown as { body: string }[]).map((r) => ({ ...(JSON.parse(r.body) as HistoryEvent), IsPlayed: true }));
  }

  queryInstances(q: InstanceQuery): InstanceRecord[] {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (q.statuses && q.statuses.length > 0) {
      where.push(`status IN (${q.statuses.map(() => "?").join(",")})`);
      params.push(...q.statuses);
    }
    if (q.createdFrom !== undefined) { where.push("created_at >= ?"); params.push(q.createdFrom); }
    if (q.createdTo !== undefined) { where.push("created_at <= ?"); params.push(q.createdTo); }
    if (q.instanceIdPrefix) { where.push("substr(instance_id, 1, ?) = ?"); params.push(q.instanceIdPrefix.length, q.instanceIdPrefix); }
    if (q.after) {
      where.push("(created_at > ? OR (created_at = ? AND instance_id > ?))");
      params.push(q.after.createdAt, q.after.createdAt, q.after.instanceId);
    }
    const sql = `SELECT * FROM instances ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at, instance_id`
      + (q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(q.limit))}` : "");
    return (this.db.prepare(sql).all(...params) as unknown as InstanceRow[]).map(fromRow);
  }

  getEntity(entityId: string): EntityRecord | undefined {
    const row = this.stmts.getEntity.get(entityId) as unknown as { entity_id: string; name: string; key: string; exists_: number; state: string | null; updated_at: number } | undefined;
    return row ? { entityId: row.entity_id, name: row.name, key: row.key, exists: row.exists_ === 1, state: row.state, updatedAt: row.updated_at } : undefined;
  }

  allMessages(): Message[] {
    return (this.stmts.allMessages.all() as unknown as MessageRow[]).map(messageFromRow);
  }

  /** Applies one checkpoint atomically and returns the ids given to the added messages, in order. */
  commit(c: Checkpoint): number[] {
    return this.transaction(() => this.apply(c));
  }

  /** Applies several checkpoints, in order, in one transaction (group commit). */
  commitMany(cs: Checkpoint[]): number[][] {
    return this.transaction(() => cs.map((c) => this.apply(c)));
  }

  private apply(c: Checkpoint): number[] {
    {
      for (const id of c.resetHistory ?? []) this.stmts.resetHistory.run(id);
      for (const rec of c.upsertInstances ?? []) this.stmts.upsertInstance.run({ ...toRow(rec) });
      for (const h of c.appendHistory ?? []) {
        h.events.forEach((e, i) => this.stmts.appendHistory.run(h.instanceId, h.firstSeq + i, h.executionId, JSON.stringify(e)));
      }
      for (const id of c.deleteMessages ?? []) this.stmts.deleteMessage.run(id);
      for (const id of c.dropEventMessagesOf ?? []) this.stmts.dropEventMessages.run(id);
      for (const e of c.upsertEntities ?? []) this.stmts.upsertEntity.run(e.entityId, e.name, e.key, e.exists ? 1 : 0, e.state, e.updatedAt);
      return (c.addMessages ?? []).map((m) => {
        const body = m.kind === "event" ? JSON.stringify(m.event)
          : m.kind === "entity" ? JSON.stringify(m.operation) : JSON.stringify({ taskId: m.taskId, name: m.name, input: m.input });
        return Number(this.stmts.addMessage.run(m.instanceId, m.kind, m.executionId, m.visibleAt, body).lastInsertRowid);
      });
    }
  }

  /** Deletes an instance, its history and its queued messages; returns the ids of the deleted messages. */
  purge(instanceId: string): number[] {
    return this.transaction((): number[] => {
      const ids = (this.stmts.messagesOf.all(instanceId) as unknown as { id: number }[]).map((r) => r.id);
      this.stmts.deleteMessagesOf.run(instanceId);
      this.stmts.resetHistory.run(instanceId);
      this.stmts.deleteInstance.run(instanceId);
      return ids;
    });
  }

  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  private transaction<T>(work: () => T): T {
    this.db.exec("BEGIN");
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
  }

  isOpen(): boolean {
    return this.db.isOpen;
  }

  close(): void {
    this.db.close();
  }
}

function toRow(r: InstanceRecord): InstanceRow {
  return {
    instance_id: r.instanceId, name: r.name, execution_id: r.executionId, status: r.status, input: r.input, output: r.output,
    custom_status: r.customStatus, created_at: r.createdAt, updated_at: r.updatedAt, parent_instance_id: r.parentInstanceId,
    parent_execution_id: r.parentExecutionId, parent_task_id: r.parentTaskId, state: JSON.stringify(r.state),
  };
}

function fromRow(r: InstanceRow): InstanceRecord {
  return {
    instanceId: r.instance_id, name: r.name, executionId: r.execution_id, status: r.status as RuntimeStatus, input: r.input,
    output: r.output, customStatus: r.custom_status, createdAt: r.created_at, updatedAt: r.updated_at,
    parentInstanceId: r.parent_instance_id, parentExecutionId: r.parent_execution_id, parentTaskId: r.parent_task_id,
    state: JSON.parse(r.state) as ExecutionState,
  };
}

function messageFromRow(r: MessageRow): Message {
  if (r.kind === "event") {
    return { id: r.id, kind: "event", instanceId: r.instance_id, executionId: r.execution_id, visibleAt: r.visible_at, event: JSON.parse(r.body) as HistoryEvent };
  }
  if (r.kind === "entity") {
    return { id: r.id, kind: "entity", instanceId: r.instance_id, executionId: null, visibleAt: r.visible_at, operation: JSON.parse(r.body) as EntityOperation };
  }
  const b = JSON.parse(r.body) as { taskId: number; name: string; input: string };
  return { id: r.id, kind: "activity", instanceId: r.instance_id, executionId: r.execution_id ?? "", visibleAt: r.visible_at, ...b };
}
