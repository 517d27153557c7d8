/**
 * One orchestration episode, as the extension's `OutOfProcOrchestrationShim` runs it on top of
 * DurableTask.Core: take the instance's pending messages, append them to history after an
 * `OrchestratorStarted` event stamped with the clock's time, call the SDK's orchestrator handler with
 * the whole history, check the returned actions against the ones recorded (non-determinism), and
 * turn new actions into scheduled work. The caller commits the result in one transaction.
 */
import { ActionType, actionKey, actionName, describeAction, describeKind, flattenActions, recordedKey, serializedInput, type FlatAction, type WireAction } from "./actions";
import { completedTaskId, EventType, historyEvent, type HistoryEvent } from "./history";
import { NonDeterminismError, UnsupportedActionError, errorMessage } from "./errors";
import { copyExecutionState, type EventMessage, type InstanceRecord } from "./model";
import {
  applyFollowUp, eventMessage, isFollowUpEvent, LONG_TIMER_INTERVAL_MS, MAXIMUM_SHORT_TIMER_MS, scheduleNewAction, startMessage,
  type EpisodeWork, type SchedulingEnv,
} from "./scheduling";

/** `OrchestratorState` as the SDK returns it. */
export interface OrchestratorStateWire {
  isDone: boolean;
  actions: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export type OrchestratorOutcome = { state: OrchestratorStateWire } | { error: string; details: string; state?: OrchestratorStateWire };

export interface EpisodeEnv {
  now: number;
  invokeOrchestrator(record: InstanceRecord, payload: object): Promise<OrchestratorOutcome>;
  lookupInstance(instanceId: string): InstanceRecord | undefined;
  newExecutionId(): string;
  warn(message: string): void;
}

export interface EpisodeResult {
  record: InstanceRecord;
  /** Events to append to the current history (after `resetHistory` when set). */
  events: HistoryEvent[];
  resetHistory: boolean;
  consumed: number[];
  work: EpisodeWork;
  /** The instance finished (completed, failed, terminated): its other pending events are dropped. */
  terminal: boolean;
  /** It continued as new: pending events of the old execution are dropped, external events kept. */
  continuedAsNew: boolean;
  /** False when nothing was processed (e.g. suspended with only ordinary events waiting). */
  changed: boolean;
}

/** Replay schema the local host announces: the SDK's latest (`ReplaySchema.V4`). */
const UPPER_SCHEMA_VERSION = 3;
const timeSpan = (ms: number): string => `${Math.floor(ms / 86_400_000)}.00:00:00`;

/** What the extension hands the SDK's orchestrator handler: the whole history and the instance. */
export function orchestratorPayload(record: Pick<InstanceRecord, "input" | "instanceId" | "parentInstanceId">, history: readonly HistoryEvent[], isReplaying: boolean): object {
  return {
    history,
    input: record.input === null || record.input === "" ? undefined : JSON.parse(record.input) as unknown,
    instanceId: record.instanceId,
    isReplaying,
    parentInstanceId: record.parentInstanceId ?? undefined,
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    upperSchemaVersionNew: UPPER_SCHEMA_VERSION,
    longRunningTimerIntervalDuration: timeSpan(LONG_TIMER_INTERVAL_MS),
    maximumShortTimerDuration: timeSpan(MAXIMUM_SHORT_TIMER_MS),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
}

export async function runEpisode(env: EpisodeEnv, current: InstanceRecord, history: readonly HistoryEvent[], inbox: readonly EventMessage[]): Promise<EpisodeResult> {
  const record: InstanceRecord = { ...current, state: copyExecutionState(current.state) };
  const work: EpisodeWork = { events: [], messages: [], cancelTimerIds: [], children: [] };
  const result: EpisodeResult = { record, events: [], resetHistory: false, consumed: [], work, terminal: false, continuedAsNew: false, changed: false };
  const sched: SchedulingEnv = { now: env.now, record, work, lookupInstance: (id) => env.lookupInstance(id), newExecutionId: () => env.newExecutionId(), warn: (m) => env.warn(m) };
  const started = historyEvent(EventType.OrchestratorStarted, env.now);

  const terminate = inbox.find((m) => m.event.EventType === EventType.ExecutionTerminated);
  if (terminate) {
    result.consumed.push(terminate.id);
    finish(env, result, "Terminated", terminate.event.Input ?? "null", [started, { ...terminate.event, Timestamp: started.Timestamp }]);
    return result;
  }

  // Suspend/resume are applied in arrival order; while suspended every other event stays queued (DTFx buffers them).
  const batch: EventMessage[] = [];
  let blockedOnFollowUp = false;
  let sawStart = false;
  for (const m of inbox) {
    const type = m.event.EventType;
    if (type === EventType.ExecutionSuspended || type === EventType.ExecutionResumed) {
      result.consumed.push(m.id);
      if (type === EventType.ExecutionSuspended && (record.status === "Running" || record.status === "Pending")) record.status = "Suspended";
      else if (type === EventType.ExecutionResumed && record.status === "Suspended") record.status = history.length > 0 || sawStart ? "Running" : "Pending";
      else continue;
      result.events.push({ ...m.event, Timestamp: started.Timestamp });
      result.changed = true;
      continue;
    }
    if (record.status === "Suspended" || blockedOnFollowUp) continue;
    if (m.executionId !== null && m.executionId !== record.executionId) { result.consumed.push(m.id); result.changed = true; continue; }
    const taskId = completedTaskId(m.event);
    if (taskId !== undefined) {
      const task = record.state.tasks[taskId];
      const action = task ? record.state.actions[task.action] : undefined;
      // A completion for a task this execution does not know, or for a cancelled timer, is stale.
      if (!task || (action?.canceled && m.event.EventType === EventType.TimerFired)) { result.consumed.push(m.id); result.changed = true; continue; }
      if (isFollowUpEvent(sched, m.event, taskId)) {
        // One follow-up-causing event per episode, processed before anything else new, so that the
        // ids we hand out for its retry timer or next timer segment are the ones the SDK will use.
        if (batch.some((b) => b.event.EventType !== EventType.ExecutionStarted)) { blockedOnFollowUp = true; continue; }
        batch.push(m);
        blockedOnFollowUp = true;
        continue;
      }
    }
    if (m.event.EventType === EventType.ExecutionStarted) sawStart = true;
    batch.push(m);
  }
  if (batch.length === 0) return result;
  result.changed = true;
  result.consumed.push(...batch.map((m) => m.id));
  // ExecutionStarted first, as in DTFx histories; external events raised before it wait behind it.
  batch.sort((a, b) => Number(b.event.EventType === EventType.ExecutionStarted) - Number(a.event.EventType === EventType.ExecutionStarted));
  const newEvents = batch.map((m) => ({ ...m.event, IsPlayed: false }));
  const followUp = batch.find((m) => { const id = completedTaskId(m.event); return id !== undefined && isFollowUpEvent(sched, m.event, id); });
  if (followUp) newEvents.push(...applyFollowUp(sched, followUp.event, completedTaskId(followUp.event) ?? -1));
  markSettled(record, newEvents);
  if (record.status === "Pending") record.status = "Running";

  const payloadHistory = [...history, started, ...newEvents];
  const payload = orchestratorPayload(record, payloadHistory, history.length > 0);
  const outcome = await env.invokeOrchestrator(record, payload);
  const episodeEvents = [started, ...newEvents, ...work.events];
  work.events = [];

  if ("error" in outcome) {
    if (outcome.state?.customStatus !== undefined) record.customStatus = JSON.stringify(outcome.state.customStatus);
    const message = `Orchestrator function '${record.name}' failed: ${outcome.error}`;
    finish(env, result, "Failed", JSON.stringify(message), episodeEvents, { reason: message, details: outcome.details });
    return result;
  }
  const { state } = outcome;
  record.customStatus = state.customStatus === undefined ? null : JSON.stringify(state.customStatus);
  const actions = flattenActions(state.actions);
  try {
    checkReplay(record, actions, state.isDone, work);
    let compound: { id: number; start: number } | undefined;
    if (!state.isDone) for (const a of actions.slice(record.state.actions.length)) {
      rejectUnsupported(record, a);
      if (a.compound === undefined) compound = undefined;
      else if (compound?.id !== a.compound) compound = { id: a.compound, start: record.state.actions.length };
      scheduleNewAction(sched, a, compound?.start);
    }
  } catch (err) {
    const message = errorMessage(err);
    work.messages = [];
    work.children = [];
    work.events = [];
    work.cancelTimerIds = [];
    finish(env, result, "Failed", JSON.stringify(message), episodeEvents, { reason: message, details: "" });
    return result;
  }
  episodeEvents.push(...work.events);
  work.events = [];

  if (!state.isDone) {
    result.events = [...result.events, ...episodeEvents, historyEvent(EventType.OrchestratorCompleted, env.now)];
    record.updatedAt = env.now;
    return result;
  }
  const continueAsNew = actions.find((a) => a.actionType === ActionType.ContinueAsNew);
  if (continueAsNew) {
    continueAsNewExecution(env, result, continueAsNew, [...history, ...newEvents], actions);
    return result;
  }
  finish(env, result, "Completed", state.output === undefined ? "null" : JSON.stringify(state.output), episodeEvents);
  return result;
}

/** Marks the actions whose tasks these events finish for good (a retried failure or a timer segment does not). */
function markSettled(record: InstanceRecord, events: readonly HistoryEvent[]): void {
  const { state } = record;
  const responsePrefix = `${record.instanceId}:${record.executionId}:`;
  for (const e of events) {
    let id = completedTaskId(e);
    if (id === undefined && e.EventType === EventType.EventRaised && (e.Name ?? "").startsWith(responsePrefix)) id = Number((e.Name ?? "").slice(responsePrefix.length));
    const task = id === undefined ? undefined : state.tasks[id];
    const action = task ? state.actions[task.action] : undefined;
    if (!task || !action) continue;
    const failed = e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed;
    if (task.role === "attempt" && failed && action.retry && (action.failures ?? 0) < action.retry.maxNumberOfAttempts && !action.retryExpired) continue;
    if (task.role === "timerSegment" && action.finalFireAt !== undefined && action.ids[action.ids.length - 1] !== id) continue;
    if (task.role === "retryTimer") continue;
    action.settled = true;
  }
}

/** DTFx compares each replayed action with the history at the same position (name and kind). */
function checkReplay(record: InstanceRecord, actions: WireAction[], isDone: boolean, work: EpisodeWork): void {
  const recorded = record.state.actions;
  for (let i = 0; i < recorded.length; i++) {
    const expected = recorded[i];
    const actual = actions[i];
    if (!expected) continue;
    if (!actual) {
      if (isDone) return;
      throw new NonDeterminismError(record.instanceId, i, describeKind(expected.type, expected.name), "nothing (the orchestrator did not schedule it)");
    }
    if (recordedKey(expected.type, expected.name) !== actionKey(actual)) {
      throw new NonDeterminismError(record.instanceId, i, describeKind(expected.type, expected.name), describeAction(actual));
    }
    if (expected.type === ActionType.CreateTimer && actual.isCanceled && !expected.canceled) {
      expected.canceled = true;
      work.cancelTimerIds.push(...expected.ids);
    }
  }
}

function rejectUnsupported(record: InstanceRecord, a: WireAction): void {
  if (a.actionType === ActionType.LockEntities || a.actionType === ActionType.ReleaseEntities) {
    throw new UnsupportedActionError(record.instanceId, "context.df.lock (entity critical sections)");
  }
  if (a.actionType === ActionType.CallHttp) throw new UnsupportedActionError(record.instanceId, "CallHttp (durable HTTP)");
}

function finish(env: EpisodeEnv, result: EpisodeResult, status: "Completed" | "Failed" | "Terminated", output: string,
  events: HistoryEvent[], failure?: { reason: string; details: string }): void {
  const { record } = result;
  record.status = status;
  record.output = output;
  record.updatedAt = env.now;
  result.terminal = true;
  result.changed = true;
  result.events = [...result.events, ...events,
    historyEvent(EventType.ExecutionCompleted, env.now, { OrchestrationStatus: status, Result: output }),
    historyEvent(EventType.OrchestratorCompleted, env.now)];
  if (record.parentInstanceId && record.parentTaskId !== null) {
    // DTFx reports a child that did not complete (failed or terminated) to its parent as a failure.
    const toParent = status === "Completed"
      ? historyEvent(EventType.SubOrchestrationInstanceCompleted, env.now, { TaskScheduledId: record.parentTaskId, Result: output })
      : historyEvent(EventType.SubOrchestrationInstanceFailed, env.now, {
        TaskScheduledId: record.parentTaskId,
        Reason: failure?.reason ?? `Sub-orchestration '${record.instanceId}' was terminated: ${output}`,
        Details: failure?.details ?? "",
      });
    result.work.messages.push(eventMessage(record.parentInstanceId, record.parentExecutionId, env.now, toParent));
  }
}

/**
 * ContinueAsNew: a fresh execution with the new input. External events that arrived but were not
 * consumed by a `waitForExternalEvent` are carried over (the extension's preserveUnprocessedEvents).
 * The waits are counted over every action the SDK sent, the final episode's included: an event a
 * wait of that episode consumed (the usual "one more round?" check right before continueAsNew) is
 * not carried over, or each new execution would find it again and continue as new forever.
 */
function continueAsNewExecution(env: EpisodeEnv, result: EpisodeResult, action: WireAction, history: HistoryEvent[], sent: readonly FlatAction[]): void {
  const { record } = result;
  const raised = new Map<string, HistoryEvent[]>();
  // Entity responses (named after this execution's request ids) are not external events.
  const responsePrefix = `${record.instanceId}:${record.executionId}:`;
  for (const e of history) {
    if (e.EventType !== EventType.EventRaised || (e.Name ?? "").startsWith(responsePrefix)) continue;
    raised.set(e.Name ?? "", [...(raised.get(e.Name ?? "") ?? []), e]);
  }
  const waits = new Map<string, number>();
  for (const a of sent) {
    if (a.actionType === ActionType.WaitForExternalEvent) waits.set(actionName(a), (waits.get(actionName(a)) ?? 0) + 1);
  }
  record.executionId = env.newExecutionId();
  record.input = serializedInput(action);
  record.state = { actions: [], nextEventId: 0, tasks: {} };
  record.status = "Running";
  record.updatedAt = env.now;
  result.resetHistory = true;
  result.events = [];
  result.continuedAsNew = true;
  result.work.messages = result.work.messages.filter((m) => m.instanceId !== record.instanceId);
  result.work.children = [];
  result.work.messages.push(startMessage(record, env.now));
  for (const [name, events] of raised) {
    for (const e of events.slice(waits.get(name) ?? 0)) {
      result.work.messages.push(eventMessage(record.instanceId, null, env.now, { ...e, IsPlayed: false }));
    }
  }
}
