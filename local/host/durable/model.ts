/** Persistent shapes of the durable engine: instances, their execution bookkeeping, and queued messages. */
import type { ActionType, WireRetryOptions } from "./actions";
import type { HistoryEvent } from "./history";

/** `OrchestrationRuntimeStatus` names as the extension reports them. */
export type RuntimeStatus = "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Terminated" | "Suspended" | "Canceled";

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ["Completed", "Failed", "Terminated", "Canceled"];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** What the engine recorded about one action of the current execution, to replay-check and to follow up. */
export interface RecordedAction {
  type: ActionType;
  name: string;
  /** Event ids allocated for this action: the first attempt / first timer segment, then follow-ups. */
  ids: number[];
  canceled?: boolean;
  /** Activity / sub-orchestration input (JSON text), kept to reschedule retries. */
  input?: string;
  /** Explicit sub-orchestration instance id. */
  subInstanceId?: string;
  retry?: WireRetryOptions;
  /** Failed attempts so far, when the first attempt started, and whether the retry timeout ran out. */
  failures?: number;
  firstAttemptAt?: number;
  retryExpired?: boolean;
  lastFailure?: { reason: string; details: string };
  /** Final fire time (epoch ms) of a timer split into segments (longer than maximumShortTimerDuration). */
  finalFireAt?: number;
  /** `contentKey` of the wire action (a digest). */
  content?: string;
  /** Its task has an outcome (completed, failed for good, fired, answered): no longer open. */
  settled?: boolean;
}

export type TaskRole = "attempt" | "retryTimer" | "timerSegment";

export interface ExecutionState {
  actions: RecordedAction[];
  /** The SDK's next sequence number (TaskOrchestrationExecutor.sequenceNumber) after replaying history. */
  nextEventId: number;
  /** Event id → which action it belongs to and what it stands for. */
  tasks: Record<number, { action: number; role: TaskRole }>;
}

/**
 * A copy an episode may change without touching the cached one: the fields scheduling changes are
 * each action's own (flags, counters, `ids`) and the `tasks` map's entries, so actions are copied
 * one level down and `ids` arrays anew (cheaper than `structuredClone`, which serialises the whole
 * state on every episode).
 */
export function copyExecutionState(state: ExecutionState): ExecutionState {
  return { actions: state.actions.map((a) => ({ ...a, ids: [...a.ids] })), nextEventId: state.nextEventId, tasks: { ...state.tasks } };
}

export function emptyExecutionState(): ExecutionState {
  return { actions: [], nextEventId: 0, tasks: {} };
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text (null when absent). */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdAt: number;
  updatedAt: number;
  parentInstanceId: string | null;
  parentExecutionId: string | null;
  parentTaskId: number | null;
  state: ExecutionState;
}

/** A history event waiting in an instance's inbox (completions, timers, external events, control). */
export interface EventMessage {
  id: number;
  kind: "event";
  instanceId: string;
  /** The execution it belongs to; null for messages valid for any execution (external events, control). */
  executionId: string | null;
  visibleAt: number;
  event: HistoryEvent;
}

/** An activity invocation not yet checkpointed. */
export interface ActivityMessage {
  id: number;
  kind: "activity";
  instanceId: string;
  executionId: string;
  visibleAt: number;
  taskId: number;
  name: string;
  input: string;
}

/** One operation for a durable entity (`instanceId` is the entity's scheduler id, `@name@key`). */
export interface EntityMessage {
  id: number;
  kind: "entity";
  instanceId: string;
  executionId: null;
  visibleAt: number;
  operation: EntityOperation;
}

export interface EntityOperation {
  requestId: string;
  name: string;
  /** JSON text of the input, or null. */
  input: string | null;
  signal: boolean;
  /** The orchestration that awaits the result of a call. */
  parentInstanceId?: string;
  parentExecutionId?: string;
}

export interface EntityRecord {
  /** Scheduler id `@<lower-case name>@<key>`. */
  entityId: string;
  name: string;
  key: string;
  exists: boolean;
  /** JSON text. */
  state: string | null;
  updatedAt: number;
}

export type Message = EventMessage | ActivityMessage | EntityMessage;
export type NewMessage = Omit<EventMessage, "id"> | Omit<ActivityMessage, "id"> | Omit<EntityMessage, "id">;
