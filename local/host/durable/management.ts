/**
 * What `DurableClient` can ask of the engine: start, status, query, raise event, terminate,
 * suspend, resume, purge. Each operation is one SQLite transaction plus in-memory dispatch.
 */
import { randomUUID } from "node:crypto";
import type { ChaosOptions } from "./chaos";
import type { DurableEngine } from "./engine";
import { InstanceAlreadyExistsError, OrchestratorNotFoundError } from "./errors";
import { EventType, historyEvent } from "./history";
import { isTerminal, type InstanceRecord, type RuntimeStatus } from "./model";
import { eventMessage, newInstanceRecord, startMessage } from "./scheduling";
import { statusJson, type StatusOptions } from "./status";
import { entitySchedulerId } from "./entities";

export type ControlResult = "accepted" | "notFound" | "gone";

export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: number;
  createdTimeTo?: number;
  instanceIdPrefix?: string;
}

export class DurableManagement {
  constructor(private readonly engine: DurableEngine, private readonly chaos: ChaosOptions) {}

  /** Starts an orchestration; an instance id that exists and is not finished is rejected, as by the extension. */
  startNew(name: string, options: { instanceId?: string; input?: string | null } = {}): InstanceRecord {
    if (!this.engine.functionExists(name, "orchestrationTrigger")) throw new OrchestratorNotFoundError(name);
    const instanceId = options.instanceId || randomUUID().replace(/-/g, "");
    const existing = this.engine.getRecord(instanceId);
    if (existing && !isTerminal(existing.status)) throw new InstanceAlreadyExistsError(instanceId, existing.status);
    const now = this.engine.now();
    const rec = newInstanceRecord({ now, newExecutionId: () => randomUUID().replace(/-/g, "") }, instanceId, name,
      options.input === undefined || options.input === "" ? null : options.input);
    this.engine.commitAndDispatch({
      resetHistory: existing ? [instanceId] : [],
      dropEventMessagesOf: existing ? [instanceId] : [],
      upsertInstances: [rec],
      addMessages: [startMessage(rec, now)],
    }, existing ? [instanceId] : []);
    return rec;
  }

  getStatus(instanceId: string, opts: StatusOptions = {}): Record<string, unknown> | undefined {
    const rec = this.engine.getRecord(instanceId);
    if (!rec) return undefined;
    return statusJson(rec, opts.showHistory ? this.engine.getHistory(instanceId) : undefined, opts);
  }

  /** One page of instances ordered by creation time; `continuationToken` is opaque to callers. */
  query(filter: InstanceFilter, opts: { top?: number; continuationToken?: string; showInput?: boolean }): { items: Record<string, unknown>[]; continuationToken?: string } {
    const after = opts.continuationToken ? decodeToken(opts.continuationToken) : undefined;
    const top = opts.top && opts.top > 0 ? opts.top : undefined;
    const rows = this.engine.store.queryInstances({
      statuses: filter.runtimeStatus, createdFrom: filter.createdTimeFrom, createdTo: filter.createdTimeTo,
      instanceIdPrefix: filter.instanceIdPrefix, after, limit: top !== undefined ? top + 1 : undefined,
    });
    const page = top !== undefined ? rows.slice(0, top) : rows;
    const last = page[page.length - 1];
    const more = top !== undefined && rows.length > top && last !== undefined;
    return {
      items: page.map((r) => statusJson(this.engine.getRecord(r.instanceId) ?? r, undefined, { showInput: opts.showInput ?? false })),
      continuationToken: more && last ? encodeToken(last) : undefined,
    };
  }

  raiseEvent(instanceId: string, eventName: string, data: string | null): ControlResult {
    const rec = this.engine.getRecord(instanceId);
    if (!rec) return "notFound";
    if (isTerminal(rec.status)) return "gone";
    const now = this.engine.now();
    const raised = historyEvent(EventType.EventRaised, now, { Name: eventName, Input: data === null || data === "" ? null : data });
    const copies = this.chaos.duplicateExternalEvents ? 2 : 1;
    this.engine.commitAndDispatch({ addMessages: Array.from({ length: copies }, () => eventMessage(instanceId, null, now, { ...raised })) });
    return "accepted";
  }

  terminate(instanceId: string, reason: string): ControlResult {
    return this.control(instanceId, EventType.ExecutionTerminated, { Input: JSON.stringify(reason) });
  }

  suspend(instanceId: string, reason: string): ControlResult {
    return this.control(instanceId, EventType.ExecutionSuspended, { Reason: reason });
  }

  resume(instanceId: string, reason: string): ControlResult {
    return this.control(instanceId, EventType.ExecutionResumed, { Reason: reason });
  }

  /** Queues a one-way operation for an entity (DurableClient.signalEntity). */
  signalEntity(name: string, key: string, operation: string, input: string | null): void {
    const now = this.engine.now();
    this.engine.commitAndDispatch({ addMessages: [{
      kind: "entity", instanceId: entitySchedulerId(name, key), executionId: null, visibleAt: now,
      operation: { requestId: randomUUID(), name: operation, input: input === "" ? null : input, signal: true },
    }] });
  }

  /** The entity's state as JSON text, or undefined when it does not exist (DurableClient.readEntityState). */
  readEntity(name: string, key: string): { state: string | null } | undefined {
    const entity = this.engine.entities.read(name, key);
    return entity?.exists ? { state: entity.state } : undefined;
  }

  purge(instanceId: string): number {
    return this.engine.purge(instanceId) ? 1 : 0;
  }

  /** Purges finished instances matching the filter (running ones are never purged). */
  purgeWhere(filter: InstanceFilter): number {
    const rows = this.engine.store.queryInstances({ statuses: filter.runtimeStatus, createdFrom: filter.createdTimeFrom, createdTo: filter.createdTimeTo });
    return rows.filter((r) => this.engine.purge(r.instanceId)).length;
  }

  private control(instanceId: string, type: EventType, fields: Record<string, string>): ControlResult {
    const rec = this.engine.getRecord(instanceId);
    if (!rec) return "notFound";
    if (isTerminal(rec.status)) return "gone";
    const now = this.engine.now();
    this.engine.commitAndDispatch({ addMessages: [eventMessage(instanceId, null, now, historyEvent(type, now, fields))] });
    return "accepted";
  }
}

function encodeToken(rec: InstanceRecord): string {
  return Buffer.from(JSON.stringify({ c: rec.createdAt, i: rec.instanceId })).toString("base64url");
}

function decodeToken(token: string): { createdAt: number; instanceId: string } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { c: number; i: string };
    return { createdAt: t.c, instanceId: t.i };
  } catch {
    return undefined;
  }
}
