/**
 * Turns what an orchestrator scheduled into history events and queued messages, as the
 * extension's out-of-proc shim and DurableTask.Core do: new actions get the next sequence numbers;
 * retries (DTFx `RetryInterceptor`: failure → retry timer → new attempt) and timers longer than
 * `maximumShortTimerDuration` (the extension splits them into `longRunningTimerIntervalDuration`
 * segments) get follow-up ids exactly when the SDK hands them out, i.e. while it processes the
 * failure or timer event that causes them.
 */
import { ActionType, actionName, contentKey, describeAction, serializedInput, type FlatAction } from "./actions";
import { EventType, historyEvent, type HistoryEvent } from "./history";
import { isTerminal, type EventMessage, type InstanceRecord, type NewMessage, type RecordedAction } from "./model";
import { nextRetry } from "./retry";
import { InstanceAlreadyExistsError } from "./errors";

/** The values the extension passes in every orchestration trigger payload (TimeSpan format "d.hh:mm:ss"). */
export const MAXIMUM_SHORT_TIMER_MS = 6 * 24 * 3600_000;
export const LONG_TIMER_INTERVAL_MS = 3 * 24 * 3600_000;

/** Everything one episode changes besides the instance record itself. */
export interface EpisodeWork {
  events: HistoryEvent[];
  messages: NewMessage[];
  /** Timer event ids of this execution whose pending TimerFired must be withdrawn. */
  cancelTimerIds: number[];
  /** Sub-orchestration instances created (or re-created over a terminal one). */
  children: InstanceRecord[];
}

export interface SchedulingEnv {
  now: number;
  record: InstanceRecord;
  work: EpisodeWork;
  lookupInstance(instanceId: string): InstanceRecord | undefined;
  newExecutionId(): string;
  warn(message: string): void;
}

export function isFollowUpEvent(env: SchedulingEnv, event: HistoryEvent, taskId: number): boolean {
  const task = env.record.state.tasks[taskId];
  if (!task) return false;
  const action = env.record.state.actions[task.action];
  if (!action) return false;
  if (task.role === "retryTimer" || task.role === "timerSegment") return event.EventType === EventType.TimerFired;
  const failed = event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
  return failed && action.retry !== undefined;
}

/**
 * Processes the one follow-up-causing event of an episode, before the SDK sees it. Returns events
 * to append to the same episode right after it: once retries are exhausted, the SDK's remaining
 * retry timers and attempts are resolved at once, in the order the SDK allocates their ids.
 */
export function applyFollowUp(env: SchedulingEnv, event: HistoryEvent, taskId: number): HistoryEvent[] {
  const immediate: HistoryEvent[] = [];
  let next = followUpOnce(env, event, taskId);
  while (next) {
    immediate.push(next.event);
    next = followUpOnce(env, next.event, next.taskId);
  }
  return immediate;
}

function followUpOnce(env: SchedulingEnv, event: HistoryEvent, taskId: number): { event: HistoryEvent; taskId: number } | undefined {
  const { state } = env.record;
  const task = state.tasks[taskId];
  const action = task ? state.actions[task.action] : undefined;
  if (!task || !action) return undefined;
  if (task.role === "timerSegment") {
    // LongTimerTask.trySetValue: while the final time is still ahead, another segment.
    const final = action.finalFireAt ?? env.now;
    if (final > env.now) addTimer(env, task.action, nextSegmentAt(env.now, final), "timerSegment");
    return undefined;
  }
  const retry = action.retry;
  if (!retry) return undefined;
  if (task.role === "attempt") {
    action.failures = (action.failures ?? 0) + 1;
    action.lastFailure = { reason: event.Reason ?? "", details: event.Details ?? "" };
    const decision = nextRetry(retry, action.failures, action.firstAttemptAt ?? env.now, env.now);
    if (decision.delayMs !== undefined) {
      addTimer(env, task.action, env.now + decision.delayMs, "retryTimer");
      return undefined;
    }
    if (decision.exhausted === "timeout") action.retryExpired = true;
    // The SDK's RetryableTask waits for a retry timer even after the last failure (then fails the
    // task); DTFx creates none once the retry timeout ran out, which leaves the SDK waiting forever.
    // The timer fires at once instead, so exhaustion surfaces as a task failure.
    const timerId = allocate(env, task.action, "retryTimer");
    const fireIso = new Date(env.now).toISOString();
    env.work.events.push(historyEvent(EventType.TimerCreated, env.now, { EventId: timerId, FireAt: fireIso }));
    return { event: historyEvent(EventType.TimerFired, env.now, { TimerId: timerId, FireAt: fireIso }), taskId: timerId };
  }
  // The retry timer fired: the SDK starts the next attempt unless attempts are used up.
  if ((action.failures ?? 0) >= retry.maxNumberOfAttempts) return undefined;
  const attemptId = allocate(env, task.action, "attempt");
  if (action.retryExpired) {
    const failure = historyEvent(action.type === ActionType.CallActivityWithRetry ? EventType.TaskFailed : EventType.SubOrchestrationInstanceFailed, env.now, {
      TaskScheduledId: attemptId,
      Reason: `Retry timeout of ${retry.retryTimeoutInMilliseconds ?? 0} ms exhausted after ${action.failures ?? 0} attempt(s) of '${action.name}'. `
        + `Last failure: ${action.lastFailure?.reason ?? "unknown"}`,
      Details: action.lastFailure?.details ?? "",
    });
    return { event: failure, taskId: attemptId };
  }
  startAttempt(env, action, attemptId);
  return undefined;
}

/**
 * Schedules a new action (one the history has not seen yet), as the extension does with every action
 * the SDK sends: the SDK's actions carry no task ids, so a task listed again inside a
 * `Task.all`/`Task.any` is indistinguishable from a new task with the same content, and the
 * extension (`OutOfProcOrchestrationShim`) schedules it again. So does this engine. When the action
 * equals a still-open task scheduled before the compound, that is most likely a task listed again:
 * ids then drift from the SDK's and results can be misrouted, exactly as on Azure (durable-js #574),
 * so the orchestration gets a warning naming it.
 */
export function scheduleNewAction(env: SchedulingEnv, wire: FlatAction, compoundStart?: number): void {
  const { state } = env.record;
  const index = state.actions.length;
  const content = contentKey(wire);
  if (compoundStart !== undefined && wire.actionType !== ActionType.WaitForExternalEvent) {
    const open = state.actions.findIndex((r, i) => i < compoundStart && r.content === content && !r.settled && !r.canceled);
    if (open >= 0) {
      env.warn(`Orchestration '${env.record.name}' (${env.record.instanceId}) lists ${describeAction(wire)} in a Task.all/Task.any while an equal task `
        + `scheduled earlier is still open. If that is the same task listed again, it is scheduled a second time, as on Azure, `
        + `and later results can be misrouted (durable-functions JS issue #574): list only fresh tasks in a compound.`);
    }
  }
  const action: RecordedAction = { type: wire.actionType, name: actionName(wire), ids: [], content };
  state.actions.push(action);
  switch (wire.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      // The input is kept only where a retry must send it again: the state is rewritten at every
      // checkpoint, and a fan-out's inputs would make that quadratic in the history.
      const input = serializedInput(wire);
      if (wire.instanceId) action.subInstanceId = wire.instanceId;
      if (wire.retryOptions) {
        action.input = input;
        action.retry = wire.retryOptions;
        action.failures = 0;
        action.firstAttemptAt = env.now;
      }
      startAttempt(env, action, allocate(env, index, "attempt"), input);
      return;
    }
    case ActionType.CreateTimer: {
      const fireAt = Date.parse(wire.fireAt ?? "");
      const at = Number.isNaN(fireAt) ? env.now : fireAt;
      if (wire.isCanceled) {
        // Cancelled before it was ever scheduled: the SDK still gave it an id; nothing to fire.
        action.canceled = true;
        allocate(env, index, "timerSegment");
        return;
      }
      if (at - env.now > MAXIMUM_SHORT_TIMER_MS) {
        action.finalFireAt = at;
        addTimer(env, index, nextSegmentAt(env.now, at), "timerSegment");
      } else {
        addTimer(env, index, at, "timerSegment");
      }
      return;
    }
    case ActionType.CallEntity:
    case ActionType.SignalEntity: {
      // The extension records an EventSent carrying the request; the SDK re-keys a call's task by
      // the request id, and the entity's answer arrives as an EventRaised named after it.
      const id = allocate(env, index, "attempt");
      const entityId = wire.instanceId ?? "";
      const signal = wire.actionType === ActionType.SignalEntity;
      const rec = env.record;
      const requestId = `${rec.instanceId}:${rec.executionId}:${id}`;
      const input = wire.input === undefined ? null : JSON.stringify(wire.input);
      env.work.events.push(historyEvent(EventType.EventSent, env.now, {
        EventId: id, InstanceId: entityId, Name: wire.operation ?? "",
        Input: JSON.stringify({ id: requestId, op: wire.operation, signal, input, parent: signal ? undefined : rec.instanceId }),
      }));
      env.work.messages.push({
        kind: "entity", instanceId: entityId, executionId: null, visibleAt: env.now,
        operation: { requestId, name: wire.operation ?? "", input, signal, ...(signal ? {} : { parentInstanceId: rec.instanceId, parentExecutionId: rec.executionId }) },
      });
      return;
    }
    default:
      // WaitForExternalEvent (keyed by name, no id) and ContinueAsNew (handled at completion).
      return;
  }
}

function nextSegmentAt(now: number, final: number): number {
  return final - now > MAXIMUM_SHORT_TIMER_MS ? now + LONG_TIMER_INTERVAL_MS : final;
}

function allocate(env: SchedulingEnv, actionIndex: number, role: "attempt" | "retryTimer" | "timerSegment"): number {
  const { state } = env.record;
  const id = state.nextEventId++;
  state.tasks[id] = { action: actionIndex, role };
  state.actions[actionIndex]?.ids.push(id);
  return id;
}

function addTimer(env: SchedulingEnv, actionIndex: number, fireAt: number, role: "retryTimer" | "timerSegment"): void {
  const id = allocate(env, actionIndex, role);
  const fireIso = new Date(fireAt).toISOString();
  env.work.events.push(historyEvent(EventType.TimerCreated, env.now, { EventId: id, FireAt: fireIso }));
  const fired = historyEvent(EventType.TimerFired, fireAt, { TimerId: id, FireAt: fireIso });
  env.work.messages.push(eventMessage(env.record.instanceId, env.record.executionId, fireAt, fired));
}

function startAttempt(env: SchedulingEnv, action: RecordedAction, id: number, firstInput?: string): void {
  const rec = env.record;
  const input = firstInput ?? action.input ?? "null";
  if (action.type === ActionType.CallActivity || action.type === ActionType.CallActivityWithRetry) {
    env.work.events.push(historyEvent(EventType.TaskScheduled, env.now, { EventId: id, Name: action.name, Input: input }));
    env.work.messages.push({ kind: "activity", instanceId: rec.instanceId, executionId: rec.executionId, visibleAt: env.now, taskId: id, name: action.name, input });
    return;
  }
  const childId = action.subInstanceId ?? `${rec.instanceId}:${id}`;
  env.work.events.push(historyEvent(EventType.SubOrchestrationInstanceCreated, env.now, { EventId: id, Name: action.name, InstanceId: childId, Input: input }));
  const existing = env.work.children.find((c) => c.instanceId === childId) ?? env.lookupInstance(childId);
  if (existing && !isTerminal(existing.status)) {
    const failure = historyEvent(EventType.SubOrchestrationInstanceFailed, env.now, {
      TaskScheduledId: id, Reason: new InstanceAlreadyExistsError(childId, existing.status).message, Details: "",
    });
    env.work.messages.push(eventMessage(rec.instanceId, rec.executionId, env.now, failure));
    return;
  }
  const child = newInstanceRecord(env, childId, action.name, input, { instanceId: rec.instanceId, executionId: rec.executionId, taskId: id });
  env.work.children = env.work.children.filter((c) => c.instanceId !== childId).concat(child);
  env.work.messages.push(startMessage(child, env.now));
}

export function newInstanceRecord(env: Pick<SchedulingEnv, "now" | "newExecutionId">, instanceId: string, name: string, input: string | null,
  parent?: { instanceId: string; executionId: string; taskId: number }): InstanceRecord {
  return {
    instanceId, name, executionId: env.newExecutionId(), status: "Pending", input, output: null, customStatus: null,
    createdAt: env.now, updatedAt: env.now, parentInstanceId: parent?.instanceId ?? null, parentExecutionId: parent?.executionId ?? null,
    parentTaskId: parent?.taskId ?? null, state: { actions: [], nextEventId: 0, tasks: {} },
  };
}

export function startMessage(rec: InstanceRecord, now: number): Omit<EventMessage, "id"> {
  const started = historyEvent(EventType.ExecutionStarted, now, {
    Name: rec.name, Input: rec.input, ...(rec.parentInstanceId ? { ParentInstanceId: rec.parentInstanceId } : {}),
  });
  return eventMessage(rec.instanceId, rec.executionId, now, started);
}

export function eventMessage(instanceId: string, executionId: string | null, visibleAt: number, event: HistoryEvent): Omit<EventMessage, "id"> {
  return { kind: "event", instanceId, executionId, visibleAt, event };
}
