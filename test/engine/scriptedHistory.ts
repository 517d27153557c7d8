/**
 * Orchestrators run against histories built by hand, as the durable-functions SDK tests its
 * executor (azure-functions-durable-js test/integration/orchestrator-spec.ts with
 * test/testobjects/testhistories.ts: `OrchestratorStarted`, `ExecutionStarted`, `TaskScheduled`,
 * `TaskCompleted` ... handed to the orchestrator, its `OrchestratorState` asserted). No host, no
 * store, no clock: each episode is one call of the SDK's own orchestrator wrapper
 * (`createOrchestrator`, what `df.app.orchestration` registers) with the history in the JSON shape
 * the extension sends (local/host/durable/history.ts), in milliseconds.
 *
 * The test writes every outcome (`completeActivity`, `failActivity`, `fireTimer`, `raise`,
 * `completeSub`, `failSub`): the events it queues are appended after the next episode's
 * `OrchestratorStarted`. What the orchestrator scheduled is appended as DTFx records it
 * (`TaskScheduled`, `TimerCreated`, `SubOrchestrationInstanceCreated`), with sequence numbers
 * handed out in the order the SDK's `trackOpenTask` does (flattened new actions, local/host/durable/actions.ts).
 */
import { DummyOrchestrationContext, type OrchestrationContext, type Task } from "durable-functions";
import { createOrchestrator } from "durable-functions/lib/src/util/testingUtils";
import { ActionType, consumesEventId, flattenActions, type FlatAction } from "../../local/host/durable/actions";
import { orchestratorPayload, type OrchestratorStateWire } from "../../local/host/durable/episode";
import { EventType, historyEvent, type HistoryEvent } from "../../local/host/durable/history";

type OrchestratorFn = (context: OrchestrationContext) => Generator<Task, unknown, unknown>;

/** A task the orchestrator scheduled and the history has not completed yet. */
export interface OpenTask {
  id: number;
  kind: "activity" | "suborchestration" | "timer";
  name: string;
  input: unknown;
  instanceId?: string;
  fireAt?: number;
  canceled?: boolean;
}

export interface Episode {
  /** What this episode scheduled, as `activity:<name>`, `suborchestration:<name>`, `timer:+<ms>`, `wait:<event>`. */
  scheduled: string[];
  isDone: boolean;
  output?: unknown;
  error?: string;
}

const OUT_OF_PROC = "\n\n$OutOfProcData$:";
const quiet = (): void => undefined;

export class ScriptedHistory {
  readonly history: HistoryEvent[] = [];
  private readonly handler: (trigger: unknown, context: DummyOrchestrationContext) => Promise<unknown>;
  private readonly open: OpenTask[] = [];
  private pending: HistoryEvent[] = [];
  private actionsSeen = 0;
  private nextId = 0;
  now: number;

  constructor(fn: OrchestratorFn, readonly instanceId: string, readonly input: unknown, start: string, readonly name = "orchestrator") {
    this.handler = createOrchestrator(fn);
    this.now = Date.parse(start);
  }

  /** One episode: the queued events appended, the orchestrator replayed over the whole history. */
  async run(): Promise<Episode> {
    const first = this.history.length === 0;
    this.history.push(historyEvent(EventType.OrchestratorStarted, this.now));
    if (first) this.history.push(historyEvent(EventType.ExecutionStarted, this.now, { Name: this.name, Input: JSON.stringify(this.input) }));
    this.history.push(...this.pending);
    this.pending = [];
    const payload = orchestratorPayload({ input: JSON.stringify(this.input), instanceId: this.instanceId, parentInstanceId: null }, this.history, !first);
    let state: OrchestratorStateWire;
    try {
      state = (await this.handler(payload, new DummyOrchestrationContext(this.name, "invocation", quiet))) as OrchestratorStateWire;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = message.indexOf(OUT_OF_PROC);
      if (at < 0) throw err;
      state = JSON.parse(message.slice(at + OUT_OF_PROC.length)) as OrchestratorStateWire;
    }
    const actions = flattenActions(state.actions);
    for (const a of actions.slice(0, this.actionsSeen)) this.noteCancel(a);
    const fresh = actions.slice(this.actionsSeen);
    this.actionsSeen = actions.length;
    const scheduled = fresh.map((a) => this.schedule(a));
    this.history.push(historyEvent(EventType.OrchestratorCompleted, this.now));
    return { scheduled, isDone: state.isDone, ...(state.output !== undefined ? { output: state.output } : {}), ...(state.error ? { error: state.error } : {}) };
  }

  /** The open tasks (scheduled, not completed). */
  openTasks(): readonly OpenTask[] {
    return this.open;
  }

  /** Completes the oldest open activity `name` with a guarded activity's success (`{ ok: true, value }`). */
  completeActivity(name: string, value: unknown): OpenTask {
    return this.completeActivityRaw(name, { ok: true, value });
  }

  /** Completes the oldest open activity `name` with a guarded activity's classified failure. */
  failActivity(name: string, failure: { kind: string; code: string; message: string; status?: number; retryAfterMs?: number }): OpenTask {
    return this.completeActivityRaw(name, { ok: false, failure });
  }

  /** The host failed the task itself (`TaskFailed`: no such function, a handler that escaped `guarded`). */
  taskFailed(name: string, reason: string): OpenTask {
    const task = this.take("activity", name);
    this.pending.push(historyEvent(EventType.TaskFailed, this.now, { TaskScheduledId: task.id, Reason: reason, Details: "" }));
    return task;
  }

  completeActivityRaw(name: string, result: unknown): OpenTask {
    const task = this.take("activity", name);
    this.pending.push(historyEvent(EventType.TaskCompleted, this.now, { TaskScheduledId: task.id, Result: JSON.stringify(result) }));
    return task;
  }

  completeSub(name: string, result: unknown): OpenTask {
    const task = this.take("suborchestration", name);
    this.pending.push(historyEvent(EventType.SubOrchestrationInstanceCompleted, this.now, { TaskScheduledId: task.id, Result: JSON.stringify(result) }));
    return task;
  }

  failSub(name: string, reason: string): OpenTask {
    const task = this.take("suborchestration", name);
    this.pending.push(historyEvent(EventType.SubOrchestrationInstanceFailed, this.now, { TaskScheduledId: task.id, Reason: reason, Details: "" }));
    return task;
  }

  /** Fires the earliest open timer that was not cancelled; the clock moves to its time. */
  fireTimer(): OpenTask {
    const timers = this.open.filter((t) => t.kind === "timer" && !t.canceled).sort((a, b) => (a.fireAt ?? 0) - (b.fireAt ?? 0));
    const timer = timers[0];
    if (!timer) throw new Error(`no open timer (open: ${this.describeOpen()})`);
    this.open.splice(this.open.indexOf(timer), 1);
    this.now = Math.max(this.now, timer.fireAt ?? this.now);
    this.pending.push(historyEvent(EventType.TimerFired, this.now, { TimerId: timer.id, FireAt: new Date(timer.fireAt ?? this.now).toISOString() }));
    return timer;
  }

  raise(name: string, value: unknown): void {
    this.pending.push(historyEvent(EventType.EventRaised, this.now, { Name: name, Input: JSON.stringify(value) }));
  }

  advance(ms: number): void {
    this.now += ms;
  }

  /** Inputs of every `updateOperation` the history scheduled, in order. */
  activityInputs<T>(name: string): T[] {
    return this.history.filter((e) => e.EventType === EventType.TaskScheduled && e.Name === name).map((e) => JSON.parse(e.Input ?? "null") as T);
  }

  private take(kind: OpenTask["kind"], name: string): OpenTask {
    const at = this.open.findIndex((t) => t.kind === kind && t.name === name);
    if (at < 0) throw new Error(`no open ${kind} ${name} (open: ${this.describeOpen()})`);
    return this.open.splice(at, 1)[0]!;
  }

  private describeOpen(): string {
    return this.open.map((t) => `${t.kind}:${t.name}`).join(", ") || "nothing";
  }

  private noteCancel(a: FlatAction): void {
    if (a.actionType !== ActionType.CreateTimer || !a.isCanceled) return;
    const timer = this.open.find((t) => t.kind === "timer" && t.fireAt === Date.parse(a.fireAt ?? "") && !t.canceled);
    if (timer) timer.canceled = true;
  }

  private schedule(a: FlatAction): string {
    const id = consumesEventId(a.actionType) ? this.nextId++ : -1;
    const input = typeof a.input === "string" && (a.actionType === ActionType.CallActivity) ? JSON.parse(a.input) as unknown : a.input;
    switch (a.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        this.open.push({ id, kind: "activity", name: a.functionName ?? "", input });
        this.history.push(historyEvent(EventType.TaskScheduled, this.now, { EventId: id, Name: a.functionName ?? "", Input: JSON.stringify(input) }));
        return `activity:${a.functionName ?? ""}`;
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        this.open.push({ id, kind: "suborchestration", name: a.functionName ?? "", input, ...(a.instanceId ? { instanceId: a.instanceId } : {}) });
        this.history.push(historyEvent(EventType.SubOrchestrationInstanceCreated, this.now, { EventId: id, Name: a.functionName ?? "", InstanceId: a.instanceId ?? "", Input: JSON.stringify(input) }));
        return `suborchestration:${a.functionName ?? ""}`;
      case ActionType.CreateTimer: {
        const fireAt = Date.parse(a.fireAt ?? "");
        this.open.push({ id, kind: "timer", name: "", input: undefined, fireAt, ...(a.isCanceled ? { canceled: true } : {}) });
        this.history.push(historyEvent(EventType.TimerCreated, this.now, { EventId: id, FireAt: a.fireAt ?? "" }));
        return `timer:+${fireAt - this.now}`;
      }
      case ActionType.WaitForExternalEvent:
        return `wait:${a.externalEventName ?? ""}`;
      default:
        return `action:${ActionType[a.actionType] ?? a.actionType}`;
    }
  }
}
