/** Recovery on the same data dir with the virtual clock: pending timers, queued events and suspension survive a restart. */
import { VirtualClock } from "../../../local/clock";
import { raiseEvent, settle, startDurableHost, startInstance, statusOf, tempDir } from "./support";

test("a durable timer pending at shutdown fires after a restart once its time has come", async () => {
  const dataDir = tempDir("durable-recovery-");
  const first = await startDurableHost({ dataDir });
  const id = await startInstance(first, "approval", null, "restart-timer");
  await settle(first);
  await first.stop();

  // The host comes back two days later: the 24-hour deadline is already due and fires at start.
  const second = await startDurableHost({ dataDir, clock: new VirtualClock("2026-03-04T08:00:00Z") });
  try {
    await second.clock.advance(0);
    expect(await statusOf(second, id)).toMatchObject({ runtimeStatus: "Completed", output: { outcome: "timedOut", at: "2026-03-04T08:00:00.000Z" } });
  } finally {
    await second.stop();
  }
});

test("a suspended instance stays suspended across a restart and buffers its timer until resumed", async () => {
  const dataDir = tempDir("durable-recovery-");
  const first = await startDurableHost({ dataDir });
  const id = await startInstance(first, "approval", null, "restart-suspended");
  await settle(first);
  expect(first.durable.management.suspend(id, "freeze")).toBe("accepted");
  await settle(first);
  await first.stop();

  const second = await startDurableHost({ dataDir });
  try {
    await second.clock.advance(48 * 3600_000);
    expect((await statusOf(second, id)).runtimeStatus).toBe("Suspended");
    expect(await raiseEvent(second, id, "decision", "late")).toBe(202);
    await settle(second);
    expect((await statusOf(second, id)).runtimeStatus).toBe("Suspended");
    expect(second.durable.management.resume(id, "thaw")).toBe("accepted");
    await settle(second);
    // The deadline fired while suspended and was buffered in front of the later decision.
    expect(await statusOf(second, id)).toMatchObject({ runtimeStatus: "Completed", output: { outcome: "timedOut" } });
  } finally {
    await second.stop();
  }
});
