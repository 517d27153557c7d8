/** RetryOptions: backoff on the virtual clock, exhaustion by attempts and by retry timeout, recovery. */
import * as fs from "node:fs";
import * as path from "node:path";
import { settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeEach(async () => { h = await startDurableHost(); });
afterEach(async () => { await h.stop(); });

test("exhausted attempts fail the task with the activity's error after backoff delays of 1 s then 2 s", async () => {
  const id = await startInstance(h, "retryExhausted", null, "retry-attempts");
  await settle(h);
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-02T08:00:01.000Z"]);
  await h.clock.advance(1000);
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-02T08:00:03.000Z"]);
  await h.clock.advance(2000);

  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Completed");
  const output = status.output as { caught: string; at: string; after: string };
  expect(output.caught).toContain("Activity function 'alwaysFails' failed: alwaysFails refused please");
  expect(output.at).toBe("2026-03-02T08:00:03.000Z");
  expect(output.after).toBe("Hello after");
  const history = h.durable.management.getStatus(id, { showHistory: true })?.historyEvents as { EventType: string }[];
  expect(history.filter((e) => e.EventType === "TaskFailed")).toHaveLength(3);
});

test("an exhausted retry timeout fails the task visibly instead of hanging, even with attempts left", async () => {
  const id = await startInstance(h, "retryTimeout", null, "retry-timeout");
  await settle(h);
  // Attempts at 0 s, 60 s, 120 s, 180 s; after the 4th failure the 150 s retry timeout has passed.
  await h.clock.advance(10 * 60_000);

  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Failed");
  expect(String(status.output)).toContain("Retry timeout of 150000 ms exhausted after 4 attempt(s) of 'alwaysFails'");
  expect(String(status.output)).toContain("alwaysFails refused within timeout");
  expect(h.durable.pendingTimers(id)).toEqual([]);
  const runs = (h.durable.management.getStatus(id, { showHistory: true })?.historyEvents as { EventType: string; FunctionName?: string }[])
    .filter((e) => e.EventType === "TaskFailed" && e.FunctionName === "alwaysFails");
  expect(runs).toHaveLength(4);
});

test("a flaky activity succeeds on its third attempt", async () => {
  const id = await startInstance(h, "retryRecovers", null, "retry-recovers");
  await settle(h);
  await h.clock.advance(500);
  await h.clock.advance(500);
  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toBe("ok after 3");
  expect(fs.readFileSync(path.join(h.markerDir, "flaky-retry-recovers.count"), "utf8")).toBe("3");
});

test("two retried activities in parallel get their retry timers and attempts matched to the right tasks", async () => {
  const id = await startInstance(h, "parallelRetries", null, "parallel");
  await settle(h);
  for (let i = 0; i < 3; i++) await h.clock.advance(1000);
  const status = await statusOf(h, id);
  expect(status).toMatchObject({ runtimeStatus: "Completed", output: ["ok after 2", "ok after 4", 42] });
});
