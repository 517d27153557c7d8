/**
 * `DurableOrchestrationStatus` JSON as the extension's HTTP API returns it (HttpApiHandler):
 * `name`, `instanceId`, `runtimeStatus`, `input`, `customStatus`, `output`, `createdTime`,
 * `lastUpdatedTime`, and `historyEvents` when asked (`showHistory`, results with `showHistoryOutput`).
 * The JS SDK's `DurableOrchestrationStatus` reads the history from a `history` field, so the same
 * array is exposed under both names.
 */
import { EventType, eventTypeName, type HistoryEvent } from "./history";
import type { InstanceRecord } from "./model";

export interface StatusOptions { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean }

const parse = (text: string | null): unknown => (text === null || text === "" ? null : JSON.parse(text));

export function statusJson(rec: InstanceRecord, history: HistoryEvent[] | undefined, opts: StatusOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: rec.name,
    instanceId: rec.instanceId,
    runtimeStatus: rec.status,
    input: opts.showInput === false ? null : parse(rec.input),
    customStatus: parse(rec.customStatus),
    output: parse(rec.output),
    createdTime: new Date(rec.createdAt).toISOString(),
    lastUpdatedTime: new Date(rec.updatedAt).toISOString(),
  };
  if (opts.showHistory && history) {
    const events = historyJson(history, opts.showHistoryOutput === true);
    body.historyEvents = events;
    body.history = events;
  }
  return body;
}

/** The extension's shaping: scheduling events folded into their completions, orchestrator bookkeeping dropped. */
function historyJson(history: HistoryEvent[], withOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  for (const e of history) {
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(e.EventId, e);
        continue;
      default:
        break;
    }
    const item: Record<string, unknown> = { EventType: eventTypeName(e.EventType), Timestamp: e.Timestamp };
    if (e.EventType === EventType.ExecutionStarted) item.FunctionName = e.Name;
    if (e.EventType === EventType.EventRaised) item.Name = e.Name;
    if (e.TaskScheduledId !== undefined) {
      const s = scheduled.get(e.TaskScheduledId);
      if (s) { item.FunctionName = s.Name; item.ScheduledTime = s.Timestamp; if (s.InstanceId) item.InstanceId = s.InstanceId; }
    }
    if (e.FireAt) item.FireAt = e.FireAt;
    if (e.TimerId !== undefined) item.TimerId = e.TimerId;
    if (e.Reason !== undefined) item.Reason = e.Reason;
    if (e.Details !== undefined && withOutput) item.Details = e.Details;
    if (e.OrchestrationStatus) item.OrchestrationStatus = e.OrchestrationStatus;
    if (withOutput && e.Result !== undefined) item.Result = parse(e.Result ?? null);
    if (withOutput && e.EventType === EventType.EventRaised) item.Input = parse(e.Input ?? null);
    out.push(item);
  }
  return out;
}
