/**
 * The local durable task engine: owns the SQLite store, the in-memory view of queued work, the
 * orchestration episodes (at most one per instance at a time, each draining every message queued
 * for it, as DTFx does) and a bounded pool of activity executions. All time comes from the host's
 * clock, so with a VirtualClock durable timers fire when the test advances time.
 */
import { randomUUID } from "node:crypto";
import type { CancelTimer } from "../../clock";
import type { ExtensionContext } from "../extension";
import type { ChaosOptions } from "./chaos";
import { runEpisode } from "./episode";
import { EventType, historyEvent, type HistoryEvent } from "./history";
import { invokeActivity, invokeOrchestrator } from "./invoker";
import { isTerminal, type ActivityMessage, type EventMessage, type InstanceRecord, type Message, type NewMessage } from "./model";
import { eventMessage } from "./scheduling";
import { DurableStore, type Checkpoint } from "./store";
import { EntityRunner } from "./entities";

export interface EngineOptions {
  activityConcurrency: number;
  chaos: ChaosOptions;
  /** Instances whose history stays in memory between episodes. */
  cacheSize: number;
}

interface Loaded { record: InstanceRecord; history: HistoryEvent[] }

export class DurableEngine {
  readonly store: DurableStore;
  private readonly cache = new Map<string, Loaded>();
  private readonly inbox = new Map<string, EventMessage[]>();
  private readonly timers = new Map<number, { msg: EventMessage; cancel: CancelTimer }>();
  private readonly timerByTask = new Map<string, number>();
  /** The message ids of `timers`, per instance (a finished instance drops its own without a scan of every timer). */
  private readonly timersByInstance = new Map<string, Set<number>>();
  private readonly activityQueue: ActivityMessage[] = [];
  private readonly queuedActivities = new Set<number>();
  private readonly lostCompletions = new Set<number>();
  private activeActivities = 0;
  /** Checkpoints waiting for the next group commit (one transaction per event-loop turn). */
  private pendingCheckpoints: { checkpoint: Checkpoint; resolve: (ids: number[]) => void; reject: (err: unknown) => void }[] = [];
  private flushScheduled = false;
  private checkpointsInFlight = 0;
  private readonly episodeRunning = new Set<string>();
  private readonly episodeRequested = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  /** Counters for the bench and diagnostics. */
  readonly stats = { episodes: 0, activities: 0, checkpoints: 0, peakConcurrentActivities: 0 };
  private stopped = false;

  readonly entities: EntityRunner;

  constructor(private readonly ctx: ExtensionContext, private readonly options: EngineOptions) {
    this.store = new DurableStore(ctx.dataDir);
    this.entities = new EntityRunner({
      ctx,
      store: this.store,
      checkpoint: (c) => this.checkpoint(c),
      dispatch: (messages, ids) => messages.forEach((m, i) => this.dispatch({ ...m, id: ids[i] ?? -1 })),
      onSettled: () => this.checkIdle(),
    });
  }

  /** Recovery: every message not yet consumed is work that was not checkpointed; queue it again. */
  recover(): void {
    for (const msg of this.store.allMessages()) this.dispatch(msg);
  }

  /**
   * Stops dispatching; work still in flight is abandoned (its messages stay in SQLite and run again
   * after a restart, as after a crash). Waits a little for in-flight work to settle first.
   */
  async stop(graceMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.waitForIdle(), new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); timer.unref?.(); })]);
    if (timer) clearTimeout(timer);
    this.stopped = true;
    this.entities.stop();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.timersByInstance.clear();
    this.flushCheckpoints();
    this.store.close();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  isIdle(): boolean {
    return this.episodeRunning.size === 0 && this.activeActivities === 0 && this.activityQueue.length === 0 && this.checkpointsInFlight === 0 && this.entities.isIdle();
  }

  waitForIdle(): Promise<void> {
    if (this.isIdle() || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Pending durable timers (all instances, or one). */
  pendingTimers(instanceId?: string): { instanceId: string; timerId: number; fireAt: string }[] {
    return [...this.timers.values()]
      .filter((t) => instanceId === undefined || t.msg.instanceId === instanceId)
      .map((t) => ({ instanceId: t.msg.instanceId, timerId: t.msg.event.TimerId ?? -1, fireAt: t.msg.event.FireAt ?? "" }));
  }

  getRecord(instanceId: string): InstanceRecord | undefined {
    return this.cache.get(instanceId)?.record ?? this.store.getInstance(instanceId);
  }

  getHistory(instanceId: string): HistoryEvent[] {
    return this.load(instanceId)?.history ?? [];
  }

  functionExists(name: string, triggerType: string): boolean {
    return this.ctx.functions().get(name)?.trigger.type === triggerType;
  }

  now(): number {
    return this.ctx.clock.now();
  }

  /** Commits a checkpoint prepared by a management operation and dispatches the messages it adds. */
  commitAndDispatch(c: Checkpoint, resetInstances: string[] = []): void {
    for (const id of resetInstances) this.forget(id);
    const ids = this.store.commit(c);
    (c.addMessages ?? []).forEach((m, i) => this.dispatch({ ...m, id: ids[i] ?? -1 }));
  }

  /** Drops an instance from memory (purge, restart over a terminal instance). */
  forget(instanceId: string): void {
    this.cache.delete(instanceId);
    this.inbox.delete(instanceId);
    for (const id of [...(this.timersByInstance.get(instanceId) ?? [])]) this.removeTimer(id);
  }

  purge(instanceId: string): boolean {
    const rec = this.getRecord(instanceId);
    if (!rec || !isTerminal(rec.status)) return false;
    this.forget(instanceId);
    this.store.purge(instanceId);
    return true;
  }

  private dispatch(msg: Message): void {
    if (this.stopped) return;
    if (msg.kind === "entity") {
      this.entities.enqueue(msg);
      return;
    }
    if (msg.kind === "activity") {
      if (this.queuedActivities.has(msg.id)) return;
      this.queuedActivities.add(msg.id);
      this.activityQueue.push(msg);
      this.pumpActivities();
      return;
    }
    if (msg.visibleAt > this.ctx.clock.now()) {
      const cancel = this.ctx.clock.setTimer(msg.visibleAt, () => {
        if (!this.removeTimer(msg.id)) return;
        this.deliver(msg);
      });
      this.timers.set(msg.id, { msg, cancel });
      let mine = this.timersByInstance.get(msg.instanceId);
      if (!mine) this.timersByInstance.set(msg.instanceId, (mine = new Set()));
      mine.add(msg.id);
      if (msg.event.EventType === EventType.TimerFired) this.timerByTask.set(timerKey(msg), msg.id);
      return;
    }
    this.deliver(msg);
  }

  /** Forgets a pending timer message and cancels its clock timer (a no-op once it fired); false when it was not pending. */
  private removeTimer(id: number): boolean {
    const t = this.timers.get(id);
    if (!t) return false;
    t.cancel();
    this.timers.delete(id);
    if (this.timerByTask.get(timerKey(t.msg)) === id) this.timerByTask.delete(timerKey(t.msg));
    const mine = this.timersByInstance.get(t.msg.instanceId);
    mine?.delete(id);
    if (mine?.size === 0) this.timersByInstance.delete(t.msg.instanceId);
    return true;
  }

  private deliver(msg: EventMessage): void {
    const list = this.inbox.get(msg.instanceId);
    if (list) list.push(msg); else this.inbox.set(msg.instanceId, [msg]);
    this.requestEpisode(msg.instanceId);
  }

  private requestEpisode(instanceId: string): void {
    if (this.episodeRunning.has(instanceId)) { this.episodeRequested.add(instanceId); return; }
    this.episodeRunning.add(instanceId);
    // Started on a microtask, so that every message dispatched in the same turn joins the episode.
    queueMicrotask(() => void this.episodeLoop(instanceId));
  }

  private async episodeLoop(instanceId: string): Promise<void> {
    try {
      for (;;) {
        this.episodeRequested.delete(instanceId);
        const progressed = await this.episode(instanceId);
        if (this.stopped) break;
        if (!this.episodeRequested.has(instanceId) && !(progressed && (this.inbox.get(instanceId)?.length ?? 0) > 0)) break;
      }
    } catch (err) {
      if (this.stopped) return;
      this.ctx.log("error", `Durable episode of instance '${instanceId}' crashed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`, { instanceId });
    } finally {
      this.episodeRunning.delete(instanceId);
      this.checkIdle();
    }
  }

  private load(instanceId: string): Loaded | undefined {
    const hit = this.cache.get(instanceId);
    if (hit) {
      this.cache.delete(instanceId);
      this.cache.set(instanceId, hit);
      return hit;
    }
    const record = this.store.getInstance(instanceId);
    if (!record) return undefined;
    const loaded = { record, history: this.store.loadHistory(instanceId) };
    this.cache.set(instanceId, loaded);
    while (this.cache.size > this.options.cacheSize) {
      let oldest: string | undefined;
      for (const k of this.cache.keys()) if (!this.episodeRunning.has(k)) { oldest = k; break; }
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return loaded;
  }

  /** Runs one episode; returns false when nothing could be processed. */
  private async episode(instanceId: string): Promise<boolean> {
    const pending = this.inbox.get(instanceId) ?? [];
    if (pending.length === 0) return false;
    const loaded = this.load(instanceId);
    if (!loaded || isTerminal(loaded.record.status)) {
      // Messages for a purged or finished instance are stale (DTFx discards them too).
      this.store.commit({ deleteMessages: pending.map((m) => m.id) });
      this.inbox.delete(instanceId);
      return false;
    }
    const snapshot = [...pending];
    const now = this.ctx.clock.now();
    const result = await runEpisode({
      now,
      invokeOrchestrator: (rec, payload) => invokeOrchestrator(this.ctx, rec.name, rec.instanceId, payload),
      lookupInstance: (id) => this.getRecord(id),
      newExecutionId: () => randomUUID().replace(/-/g, ""),
      warn: (message) => this.ctx.log("warning", message, { instanceId }),
    }, loaded.record, loaded.history, snapshot);
    if (this.stopped || this.cache.get(instanceId) !== loaded) return false;
    if (!result.changed && result.consumed.length === 0) return false;

    const consumed = new Set(result.consumed);
    const rec = result.record;
    const dropTimers: number[] = [];
    for (const timerId of result.work.cancelTimerIds) {
      const msgId = this.timerByTask.get(`${instanceId}|${rec.executionId}|${timerId}`);
      if (msgId !== undefined) dropTimers.push(msgId);
    }
    const dropInbox: number[] = [];
    if (result.terminal || result.continuedAsNew) {
      for (const id of this.timersByInstance.get(instanceId) ?? []) dropTimers.push(id);
      for (const m of this.inbox.get(instanceId) ?? []) {
        if (consumed.has(m.id)) continue;
        if (result.terminal || m.executionId !== null) dropInbox.push(m.id);
      }
    }
    const resetChildren = result.work.children.filter((c) => this.getRecord(c.instanceId) !== undefined).map((c) => c.instanceId);
    const checkpoint: Checkpoint = {
      resetHistory: [...(result.resetHistory ? [instanceId] : []), ...resetChildren],
      upsertInstances: [rec, ...result.work.children],
      appendHistory: [{ instanceId, executionId: rec.executionId, events: result.events, firstSeq: result.resetHistory ? 0 : loaded.history.length }],
      deleteMessages: [...result.consumed, ...dropTimers, ...dropInbox],
      addMessages: result.work.messages,
    };
    for (const child of resetChildren) this.forget(child);
    const ids = await this.checkpoint(checkpoint);
    this.stats.episodes++;
    if (this.stopped) return false;

    loaded.record = rec;
    if (result.resetHistory) loaded.history = [];
    for (const e of result.events) { e.IsPlayed = true; loaded.history.push(e); }
    const gone = new Set([...result.consumed, ...dropInbox]);
    const left = (this.inbox.get(instanceId) ?? []).filter((m) => !gone.has(m.id));
    if (left.length > 0) this.inbox.set(instanceId, left); else this.inbox.delete(instanceId);
    for (const id of dropTimers) this.removeTimer(id);
    result.work.messages.forEach((m, i) => this.dispatch({ ...m, id: ids[i] ?? -1 }));
    if (result.terminal) this.ctx.log("information", `Orchestration '${rec.name}' (${instanceId}) ${rec.status}.`, { instanceId, functionName: rec.name });
    return true;
  }

  private pumpActivities(): void {
    while (!this.stopped && this.activeActivities < this.options.activityConcurrency && this.activityQueue.length > 0) {
      const msg = this.activityQueue.shift();
      if (!msg) break;
      this.activeActivities++;
      this.stats.peakConcurrentActivities = Math.max(this.stats.peakConcurrentActivities, this.activeActivities);
      void this.runActivity(msg).finally(() => {
        this.activeActivities--;
        this.pumpActivities();
        this.checkIdle();
      });
    }
  }

  private async runActivity(msg: ActivityMessage): Promise<void> {
    const logContext = { instanceId: msg.instanceId, functionName: msg.name };
    const rec = this.getRecord(msg.instanceId);
    if (!rec || isTerminal(rec.status) || rec.executionId !== msg.executionId) {
      this.queuedActivities.delete(msg.id);
      if (!this.stopped) this.store.commit({ deleteMessages: [msg.id] });
      return;
    }
    let outcome = await invokeActivity(this.ctx, msg.name, msg.input, logContext);
    if (this.options.chaos.rerunActivityAfterSuccess && "result" in outcome && !this.stopped) {
      this.ctx.log("warning", `Chaos: delivering activity '${msg.name}' (task ${msg.taskId}) once more after it succeeded.`, logContext);
      outcome = await invokeActivity(this.ctx, msg.name, msg.input, logContext);
    }
    if (this.stopped) return;
    if (this.options.chaos.crashBeforeActivityCheckpoint && !this.lostCompletions.has(msg.id)) {
      this.lostCompletions.add(msg.id);
      this.ctx.log("warning", `Chaos: losing the completion of activity '${msg.name}' (task ${msg.taskId}) before its checkpoint; it runs again.`, logContext);
      this.activityQueue.push(msg);
      return;
    }
    const now = this.ctx.clock.now();
    const event = "result" in outcome
      ? historyEvent(EventType.TaskCompleted, now, { TaskScheduledId: msg.taskId, Result: outcome.result })
      : historyEvent(EventType.TaskFailed, now, { TaskScheduledId: msg.taskId, Reason: outcome.reason, Details: outcome.details });
    const completion: NewMessage = eventMessage(msg.instanceId, msg.executionId, now, event);
    // The slot is free as soon as the activity returned; its checkpoint joins the next group commit.
    this.checkpointsInFlight++;
    this.checkpoint({ deleteMessages: [msg.id], addMessages: [completion] }).then(([id]) => {
      this.stats.activities++;
      this.queuedActivities.delete(msg.id);
      this.dispatch({ ...completion, id: id ?? -1 });
    }, (err: unknown) => {
      this.ctx.log("error", `Checkpoint of activity '${msg.name}' failed; it will run again after a restart: ${String(err)}`, logContext);
    }).finally(() => {
      this.checkpointsInFlight--;
      this.checkIdle();
    });
  }

  /**
   * Queues a checkpoint for the group commit that runs once the current event-loop turn is over:
   * every episode result and activity completion produced in one turn share a transaction, each
   * still all-or-nothing. Resolves with the ids of the messages it added.
   */
  private checkpoint(checkpoint: Checkpoint): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.pendingCheckpoints.push({ checkpoint, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => this.flushCheckpoints());
    });
  }

  private flushCheckpoints(): void {
    this.flushScheduled = false;
    const batch = this.pendingCheckpoints;
    this.pendingCheckpoints = [];
    if (batch.length === 0) return;
    if (!this.store.isOpen()) { for (const b of batch) b.reject(new Error("The durable engine stopped before the checkpoint was written.")); return; }
    try {
      const ids = this.store.commitMany(batch.map((b) => b.checkpoint));
      this.stats.checkpoints++;
      batch.forEach((b, i) => b.resolve(ids[i] ?? []));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function timerKey(msg: EventMessage): string {
  return `${msg.instanceId}|${msg.executionId ?? ""}|${msg.event.TimerId ?? -1}`;
}
