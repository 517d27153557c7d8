/**
 * Replaying a recorded history against the orchestrator code as it is now: the check the durable
 * runtime makes on every episode (DTFx compares each replayed action with the history at the same
 * position), applied to a whole stored history at once. Used by golden-history tests: an
 * orchestrator change that would break the histories of instances in flight fails CI.
 */
import { ActionType, type FlatAction } from "./actions";
import { EventType, type HistoryEvent } from "./history";
import { NonDeterminismError } from "./errors";

/** One orchestration instance as recorded: enough to hand its history to the SDK again. */
export interface RecordedInstance {
  name: string;
  instanceId: string;
  input: unknown;
  parentInstanceId?: string;
  history: HistoryEvent[];
}

/** What the history says was scheduled, in order: `activity:X`, `suborchestration:Y`, `timer`, `event`. */
export function scheduledInHistory(history: readonly HistoryEvent[]): string[] {
  const out: string[] = [];
  for (const e of history) {
    if (e.EventType === EventType.TaskScheduled) out.push(`activity:${e.Name ?? ""}`);
    else if (e.EventType === EventType.SubOrchestrationInstanceCreated) out.push(`suborchestration:${e.Name ?? ""}`);
    else if (e.EventType === EventType.TimerCreated) out.push("timer");
    else if (e.EventType === EventType.EventSent) out.push("event");
  }
  return collapseTimers(out);
}

/** The same for the actions an orchestrator returned (waits for external events schedule nothing). */
export function scheduledByActions(actions: readonly FlatAction[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    switch (a.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        out.push(`activity:${a.functionName ?? ""}`);
        break;
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        out.push(`suborchestration:${a.functionName ?? ""}`);
        break;
      case ActionType.CreateTimer:
        out.push("timer");
        break;
      case ActionType.CallEntity:
      case ActionType.SignalEntity:
        out.push("event");
        break;
      default:
        break;
    }
  }
  return collapseTimers(out);
}

/** A long timer is fired in segments (one TimerCreated each): runs of timers compare as one. */
function collapseTimers(kinds: string[]): string[] {
  return kinds.filter((k, i) => !(k === "timer" && kinds[i - 1] === "timer"));
}

/**
 * Throws NonDeterminismError at the first position where the replayed orchestrator schedules
 * something other than what the history recorded, or stops short of it.
 */
export function checkReplayAgainstHistory(instanceId: string, history: readonly HistoryEvent[], actions: readonly FlatAction[]): void {
  const recorded = scheduledInHistory(history);
  const replayed = scheduledByActions(actions);
  for (let i = 0; i < recorded.length; i++) {
    const expected = recorded[i] ?? "";
    const actual = replayed[i];
    if (actual === undefined) throw new NonDeterminismError(instanceId, i, expected, "nothing (the orchestrator did not schedule it)");
    if (actual !== expected) throw new NonDeterminismError(instanceId, i, expected, actual);
  }
}
