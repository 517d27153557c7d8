/**
 * Durable entities: operations queued per entity (`@name@key`), run in batches through the SDK's
 * entity handler (`Entity.handle`: trigger payload `{self, exists, state, batch}`, result
 * `{entityExists, entityState, results, signals}`), one batch at a time per entity. A call's result
 * goes back to the calling orchestration as an `EventRaised` named after the request id, carrying a
 * `ResponseMessage` (`{result, exceptionType?}`), which is what the SDK's executor expects.
 * Critical sections (`context.df.lock`) are not supported.
 */
import { randomUUID } from "node:crypto";
import type { ExtensionContext } from "../extension";
import { errorMessage } from "./errors";
import { EventType, historyEvent } from "./history";
import { decodeTypedData } from "./invoker";
import type { EntityMessage, EntityRecord, NewMessage } from "./model";
import type { Checkpoint, DurableStore } from "./store";

interface OperationResultWire { isError: boolean; result?: string }
interface SignalWire { target: { name: string; key: string }; name: string; input?: string }
interface EntityStateWire { entityExists: boolean; entityState?: string; results: OperationResultWire[]; signals: SignalWire[] }

export interface EntityRunnerDeps {
  ctx: ExtensionContext;
  store: DurableStore;
  checkpoint(c: Checkpoint): Promise<number[]>;
  dispatch(messages: NewMessage[], ids: number[]): void;
  onSettled(): void;
}

export function entitySchedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseSchedulerId(entityId: string): { name: string; key: string } {
  const at = entityId.indexOf("@", 1);
  return { name: entityId.substring(1, at), key: entityId.substring(at + 1) };
}

export class EntityRunner {
  private readonly inbox = new Map<string, EntityMessage[]>();
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: EntityRunnerDeps) {}

  isIdle(): boolean {
    return this.running.size === 0;
  }

  stop(): void {
    this.stopped = true;
  }

  enqueue(msg: EntityMessage): void {
    if (this.stopped) return;
    const list = this.inbox.get(msg.instanceId);
    if (list) list.push(msg); else this.inbox.set(msg.instanceId, [msg]);
    if (this.running.has(msg.instanceId)) return;
    this.running.add(msg.instanceId);
    queueMicrotask(() => void this.loop(msg.instanceId));
  }

  read(name: string, key: string): EntityRecord | undefined {
    return this.deps.store.getEntity(entitySchedulerId(name, key));
  }

  private async loop(entityId: string): Promise<void> {
    try {
      while (!this.stopped && (this.inbox.get(entityId)?.length ?? 0) > 0) {
        const batch = this.inbox.get(entityId) ?? [];
        this.inbox.delete(entityId);
        await this.runBatch(entityId, batch);
      }
    } catch (err) {
      if (!this.stopped) this.deps.ctx.log("error", `Entity '${entityId}' batch failed: ${errorMessage(err)}`, { instanceId: entityId });
    } finally {
      this.running.delete(entityId);
      this.deps.onSettled();
    }
  }

  private async runBatch(entityId: string, batch: EntityMessage[]): Promise<void> {
    const { name, key } = parseSchedulerId(entityId);
    const fn = [...this.deps.ctx.functions().values()].find((f) => f.trigger.type === "entityTrigger" && f.name.toLowerCase() === name);
    const now = this.deps.ctx.clock.now();
    const current = this.deps.store.getEntity(entityId) ?? { entityId, name, key, exists: false, state: null, updatedAt: now };
    let outcome: EntityStateWire;
    if (!fn) {
      outcome = { entityExists: current.exists, entityState: current.state ?? undefined, signals: [],
        results: batch.map(() => ({ isError: true, result: JSON.stringify(`The function '${name}' doesn't exist, is disabled, or is not an entity function.`) })) };
    } else {
      const payload = {
        self: { name, key }, exists: current.exists, state: current.state ?? undefined,
        batch: batch.map((m) => ({ id: m.operation.requestId, name: m.operation.name, signal: m.operation.signal, input: m.operation.input ?? undefined })),
      };
      try {
        const result = await this.deps.ctx.invoke(fn.name, {
          inputData: [{ name: fn.triggerName, data: { string: JSON.stringify(payload) } }], logContext: { instanceId: entityId },
        });
        outcome = decodeTypedData(result.returnValue) as EntityStateWire;
      } catch (err) {
        const message = JSON.stringify(errorMessage(err));
        outcome = { entityExists: current.exists, entityState: current.state ?? undefined, signals: [], results: batch.map(() => ({ isError: true, result: message })) };
      }
    }
    if (this.stopped) return;
    const messages: NewMessage[] = [];
    batch.forEach((m, i) => {
      const op = m.operation;
      if (op.signal || !op.parentInstanceId) return;
      const r = outcome.results[i];
      const response = { result: r?.result, ...(r?.isError ? { exceptionType: "Error" } : {}) };
      const raised = historyEvent(EventType.EventRaised, now, { Name: op.requestId, Input: JSON.stringify(response) });
      messages.push({ kind: "event", instanceId: op.parentInstanceId, executionId: op.parentExecutionId ?? null, visibleAt: now, event: raised });
    });
    for (const s of outcome.signals ?? []) {
      messages.push({
        kind: "entity", instanceId: entitySchedulerId(s.target.name, s.target.key), executionId: null, visibleAt: now,
        operation: { requestId: randomUUID(), name: s.name, input: s.input ? s.input : null, signal: true },
      });
    }
    const record: EntityRecord = { ...current, exists: outcome.entityExists, state: outcome.entityExists ? outcome.entityState ?? null : null, updatedAt: now };
    const ids = await this.deps.checkpoint({ upsertEntities: [record], deleteMessages: batch.map((m) => m.id), addMessages: messages });
    this.deps.dispatch(messages, ids);
  }
}
