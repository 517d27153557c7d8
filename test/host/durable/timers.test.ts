/** Durable timers on the virtual clock: Task.any races with cancellation, and timers longer than 6 days. */
import { raiseEvent, settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeEach(async () => { h = await startDurableHost(); });
afterEach(async () => { await h.stop(); });

const HOUR = 3600_000;

test("approval: the decision wins the race and the losing deadline timer is cancelled", async () => {
  const id = await startInstance(h, "approval", null, "approval-decided");
  await settle(h);
  expect(h.durable.pendingTimers(id)).toHaveLength(1);
  expect(h.durable.pendingTimers(id)[0]?.fireAt).toBe("2026-03-03T08:00:00.000Z");

  await h.clock.advance(2 * HOUR);
  expect(await raiseEvent(h, id, "decision", { approved: true, by: "oncall" })).toBe(202);
  await settle(h);

  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toEqual({ outcome: "decided", decision: { approved: true, by: "oncall" }, at: "2026-03-02T10:00:00.000Z" });
  expect(h.durable.pendingTimers(id)).toEqual([]);
  expect(h.clock.pendingTimers()).toBe(0);
});

test("approval: the deadline wins when no decision arrives, and a late decision is refused with 410", async () => {
  const id = await startInstance(h, "approval", null, "approval-timeout");
  await settle(h);
  await h.clock.advance(23 * HOUR);
  expect((await statusOf(h, id)).runtimeStatus).toBe("Running");

  await h.clock.advance(1 * HOUR);
  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toEqual({ outcome: "timedOut", at: "2026-03-03T08:00:00.000Z" });
  expect(await raiseEvent(h, id, "decision", { approved: true })).toBe(410);
});

test("a 30-day timer is split into segments and completes on the virtual clock in well under a second", async () => {
  const started = Date.now();
  const id = await startInstance(h, "longTimer", 30, "thirty-days");
  await settle(h);
  // The SDK splits timers above maximumShortTimerDuration (6 days) into 3-day segments.
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-05T08:00:00.000Z"]);

  await h.clock.advance(29 * 24 * HOUR);
  expect((await statusOf(h, id)).runtimeStatus).toBe("Running");
  await h.clock.advance(24 * HOUR);

  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toBe("2026-04-01T08:00:00.000Z");
  expect(Date.now() - started).toBeLessThan(1000);
});

test("a segmented 10-day deadline loses to an event on day 4: its current segment is cancelled", async () => {
  const id = await startInstance(h, "longApproval", null, "long-approval");
  await settle(h);
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-05T08:00:00.000Z"]);
  await h.clock.advance(3 * 24 * HOUR);
  // After the first 3-day segment, 7 days remain (> 6): another 3-day segment.
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-08T08:00:00.000Z"]);
  await h.clock.advance(24 * HOUR);
  await raiseEvent(h, id, "decision", "yes");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: "decided yes" });
  expect(h.durable.pendingTimers(id)).toEqual([]);
});

test("a segmented 10-day deadline fires on its final time when no event arrives", async () => {
  const id = await startInstance(h, "longApproval", null, "long-expiry");
  await settle(h);
  await h.clock.advance(6 * 24 * HOUR);
  // 4 days remain (<= 6): the last segment ends exactly at the deadline.
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-12T08:00:00.000Z"]);
  await h.clock.advance(4 * 24 * HOUR);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: "expired" });
});

test("a shared deadline, one timer per round cancelled when the event wins, leaves no timer behind", async () => {
  const id = await startInstance(h, "pingsBeforeDeadline", 3, "pings");
  await settle(h);
  for (let i = 0; i < 3; i++) {
    await h.clock.advance(60_000);
    expect(await raiseEvent(h, id, "ping", i)).toBe(202);
    await settle(h);
  }
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: { pings: 3, outcome: "enough" } });
  expect(h.durable.pendingTimers(id)).toEqual([]);
});

test("the shared deadline wins a later round", async () => {
  const id = await startInstance(h, "pingsBeforeDeadline", 3, "pings-late");
  await settle(h);
  await raiseEvent(h, id, "ping", 1);
  await settle(h);
  expect(h.durable.pendingTimers(id)).toHaveLength(1);
  await h.clock.advance(HOUR);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: { pings: 1, outcome: "deadline" } });
});
