/**
 * History events in the JSON shape the Durable Functions extension hands to out-of-process SDKs
 * (DurableTask.Core `HistoryEvent` subclasses serialized with PascalCase properties and a numeric
 * `EventType`). The JS SDK (`durable-functions` 3.x, `lib/src/history/*`) reads exactly these fields:
 * completions are matched to tasks by `TaskScheduledId` / `TimerId` / event `Name`, failures by
 * `Reason` + `Details` (or `FailureDetails`), and `Timestamp` of `OrchestratorStarted` drives
 * `context.df.currentUtcDateTime`.
 */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface HistoryEvent {
  EventType: EventType;
  /** Sequence number for scheduling events (TaskScheduled, TimerCreated, ...), -1 otherwise (as DTFx). */
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 UTC. */
  Timestamp: string;
  Name?: string;
  /** JSON text. */
  Input?: string | null;
  /** JSON text. */
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
  Version?: string;
  OrchestrationStatus?: string;
  ParentInstanceId?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function historyEvent(type: EventType, at: number, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: iso(at), ...fields };
}

/** The history event name as DTFx prints it (for status `historyEvents` and error messages). */
export function eventTypeName(type: EventType): string {
  return EventType[type] ?? String(type);
}

/** Events that complete or fail a scheduled task, keyed by the id they refer to. */
export function completedTaskId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId;
    case EventType.TimerFired:
      return event.TimerId;
    default:
      return undefined;
  }
}
