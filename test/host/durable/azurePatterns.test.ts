/**
 * Issue 8's patterns: new tasks equal to earlier ones, inside Task.all/Task.any. The extension
 * schedules every action the SDK sends; each test expects the result Azure produces.
 */
import { MemoryLogger } from "../../../local/host";
import { raiseEvent, settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

const logger = new MemoryLogger();
let h: DurableHarness;
beforeAll(async () => { h = await startDurableHost({ logger }); });
afterAll(async () => { await h.stop(); });

const warnings = (instanceId: string): string[] =>
  logger.entries.filter((e) => e.level === "warning" && e.message.includes(`(${instanceId})`)).map((e) => e.message);

test("an activity equal to a completed one, twice in a Task.all: three activities, [10,10,10]", async () => {
  const before = h.durable.stats().activities;
  const id = await startInstance(h, "equalAfterEqual", null, "equal-after-equal");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: [10, 10, 10] });
  expect(h.durable.stats().activities - before).toBe(3);
  expect(warnings(id)).toEqual([]);
});

test("the same Task.all yielded twice schedules both rounds", async () => {
  const id = await startInstance(h, "sameAllTwice", null, "same-all-twice");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: [[2, 4], [2, 4]] });
});

test("activity or timer, timer cancelled when the activity wins, two rounds: [2,2]", async () => {
  const id = await startInstance(h, "activityOrTimerLoop", null, "activity-or-timer");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: [2, 2] });
  expect(h.durable.pendingTimers(id)).toEqual([]);
});

test("windows of two over [1,2,1]: [2,4,2]", async () => {
  const id = await startInstance(h, "windowOfTwo", [1, 2, 1], "window-of-two");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: [2, 4, 2] });
});

test("an entity call, then an equal entity call inside a Task.all: [0,0,2]", async () => {
  const id = await startInstance(h, "entityThenAll", "patterns-counter", "entity-then-all");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: [0, 0, 2] });
});

test("event or deadline twice, the first timer left running: the second round times out", async () => {
  const id = await startInstance(h, "eventOrDeadlineTwice", null, "event-or-deadline");
  await settle(h);
  expect(await raiseEvent(h, id, "go", "go")).toBe(202);
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Running" });
  await h.clock.advance(3600_000);
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: ["go", "timeout"] });
});

test("listing running children again in each Task.any is scheduled again, as on Azure, with a warning naming #574", async () => {
  const id = await startInstance(h, "relistingWindow", { names: ["a", "b", "c"], width: 2 }, "relisting");
  await settle(h);
  const status = await statusOf(h, id);
  // The relisted child "b" is created a second time and takes the id the SDK gave "c": "c"'s result
  // never reaches the orchestrator, "b"'s arrives twice. On Azure this is what durable-js #574 shows.
  expect(status).toMatchObject({ runtimeStatus: "Completed", output: ["Hello a", "Hello b", "Hello b"] });
  const warned = warnings(id);
  expect(warned.length).toBeGreaterThan(0);
  expect(warned[0]).toContain("'relistingWindow'");
  expect(warned[0]).toContain("#574");
});

test("windows of fresh children (the pattern that is correct on Azure) run every child once", async () => {
  const names = ["a", "b", "c", "d", "e", "f", "g"];
  const id = await startInstance(h, "windowedChildren", { names, width: 3 }, "windowed");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: names.map((n) => `Hello ${n}`) });
  const created = (h.durable.management.getStatus(id, { showHistory: true })?.historyEvents as { EventType: string }[])
    .filter((e) => e.EventType === "SubOrchestrationInstanceCompleted");
  expect(created).toHaveLength(names.length);
  expect(warnings(id)).toEqual([]);
});
