/**
 * A task scheduled in an earlier episode and listed again in a later Task.all/Task.any. The SDK's
 * actions carry no task ids, so such a task and a brand-new task with the same content serialize
 * identically; the extension schedules both, and so does the engine (scheduling.ts).
 */
import { decodeTypedData } from "../../../local/host/durable/invoker";
import { EventType, historyEvent, type HistoryEvent } from "../../../local/host/durable/history";
import { settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeAll(async () => { h = await startDurableHost(); });
afterAll(async () => { await h.stop(); });

/** Calls an orchestrator through the host once, with the trigger payload the engine builds (V4). */
async function orchestratorActions(name: string, history: HistoryEvent[]): Promise<unknown> {
  const binding = h.host.functions.get(name)?.triggerName ?? "";
  const payload = {
    history, input: null, instanceId: `probe-${name}`, isReplaying: true, upperSchemaVersion: 3, upperSchemaVersionNew: 3,
    longRunningTimerIntervalDuration: "3.00:00:00", maximumShortTimerDuration: "6.00:00:00",
  };
  const result = await h.host.invoke(name, { inputData: [{ name: binding, data: { string: JSON.stringify(payload) } }] });
  return decodeTypedData(result.returnValue);
}

test("the SDK serializes a task listed again in Task.all exactly like a brand-new task with the same content", async () => {
  const t0 = Date.parse("2026-03-02T08:00:00Z");
  const history = [
    historyEvent(EventType.OrchestratorStarted, t0),
    historyEvent(EventType.ExecutionStarted, t0, { Name: "probe", Input: null }),
    historyEvent(EventType.TaskScheduled, t0, { EventId: 0, Name: "echo", Input: "1" }),
    historyEvent(EventType.OrchestratorCompleted, t0),
    historyEvent(EventType.OrchestratorStarted, t0 + 1000),
    historyEvent(EventType.TaskCompleted, t0 + 1000, { TaskScheduledId: 0, Result: "1" }),
  ];
  const relisted = await orchestratorActions("relistedInAll", history);
  const identical = await orchestratorActions("identicalInAll", history);
  expect(relisted).toMatchObject({ isDone: false, schemaVersion: 3 });
  expect(JSON.stringify(identical)).toBe(JSON.stringify(relisted));
  const echo = (input: number): object => ({ actionType: 0, functionName: "echo", input });
  expect((relisted as { actions: unknown }).actions).toEqual([[echo(1), { actionType: 12, compoundActions: [echo(1), echo(2)] }]]);
});

test("a completed task listed again in Task.all is scheduled again, as on Azure, and its result goes to the new task", async () => {
  const before = h.durable.stats().activities;
  const id = await startInstance(h, "relistedInAll", null, "relisted-in-all");
  await settle(h);
  // The extension schedules echo(1) a second time (id 1); the SDK gives id 1 to echo(2), which so
  // receives echo(1)'s result: what durable-js #574 describes.
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: [1, 1, 1] });
  expect(h.durable.stats().activities - before).toBe(3);
});
