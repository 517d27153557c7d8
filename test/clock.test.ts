import { VirtualClock } from "../local/clock";

describe("VirtualClock", () => {
  it("fires timers in time order as it advances, settling between them", async () => {
    const clock = new VirtualClock("2026-01-01T00:00:00Z");
    const fired: string[] = [];
    clock.setTimer(clock.now() + 3000, () => fired.push(`b@${new Date(clock.now()).toISOString()}`));
    clock.setTimer(clock.now() + 1000, () => {
      fired.push(`a@${new Date(clock.now()).toISOString()}`);
      clock.setTimer(clock.now() + 1000, () => fired.push(`a2@${new Date(clock.now()).toISOString()}`));
    });
    const cancelled = clock.setTimer(clock.now() + 1500, () => fired.push("cancelled"));
    cancelled();
    await clock.advance(30 * 24 * 3600 * 1000);
    expect(fired).toEqual([
      "a@2026-01-01T00:00:01.000Z",
      "a2@2026-01-01T00:00:02.000Z",
      "b@2026-01-01T00:00:03.000Z"
    ]);
    expect(new Date(clock.now()).toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(clock.pendingTimers()).toBe(0);
  });

  it("waits for registered components to become idle before firing the next timer", async () => {
    const clock = new VirtualClock();
    let inFlight: Promise<void> = Promise.resolve();
    const order: string[] = [];
    clock.registerIdleProbe(() => inFlight);
    clock.setTimer(clock.now() + 10, () => {
      inFlight = new Promise<void>((resolve) => setImmediate(() => { order.push("work done"); resolve(); }));
    });
    clock.setTimer(clock.now() + 20, () => order.push("second timer"));
    await clock.advance(100);
    expect(order).toEqual(["work done", "second timer"]);
  });
});
