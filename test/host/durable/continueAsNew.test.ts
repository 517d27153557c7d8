/** continueAsNew keeps events that were raised while the previous execution was finishing. */
import { raiseEvent, settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeEach(async () => { h = await startDurableHost(); });
afterEach(async () => { await h.stop(); });

test("an event raised between two generations is not lost", async () => {
  const id = await startInstance(h, "accumulator", { total: 0, target: 10, generation: 1 }, "accumulator");
  await settle(h);
  expect(await raiseEvent(h, id, "add", 4)).toBe(202);
  await settle(h);
  // Generation 1 consumed "add 4" and waits on its timer; this event arrives before it continues as new.
  expect(await raiseEvent(h, id, "add", 6)).toBe(202);
  await settle(h);
  expect((await statusOf(h, id)).customStatus).toEqual({ total: 0, generation: 1 });

  await h.clock.advance(60_000);
  expect((await statusOf(h, id)).customStatus).toEqual({ total: 4, generation: 2 });
  await h.clock.advance(60_000);

  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toEqual({ total: 10, generation: 2 });
});

test("continueAsNew starts a fresh history with the new input", async () => {
  const id = await startInstance(h, "accumulator", { total: 0, target: 5, generation: 1 }, "fresh-history");
  await settle(h);
  await raiseEvent(h, id, "add", 1);
  await settle(h);
  await h.clock.advance(60_000);

  const status = h.durable.management.getStatus(id, { showHistory: true });
  expect(status?.runtimeStatus).toBe("Running");
  expect(status?.input).toEqual({ total: 1, target: 5, generation: 2 });
  const events = (status?.historyEvents as { EventType: string }[]).map((e) => e.EventType);
  expect(events).toEqual(["ExecutionStarted"]);
});

test("an event consumed in the episode that continues as new is not carried over (no endless rounds)", async () => {
  const id = await startInstance(h, "oneMoreRound", { rounds: 0 }, "one-more-round");
  await settle(h);
  // Raised while round 1 waits on its timer: round 1 consumes it in its last episode and continues as new.
  expect(await raiseEvent(h, id, "more", {})).toBe(202);
  await settle(h);
  await h.clock.advance(60_000);
  expect((await statusOf(h, id)).customStatus).toEqual({ rounds: 2 });
  // Round 2 finds no event of its own: it ends (an event carried over would start round 3, and so on).
  await h.clock.advance(60_000);
  const status = await statusOf(h, id);
  expect([status.runtimeStatus, status.output]).toEqual(["Completed", { rounds: 2 }]);
});
