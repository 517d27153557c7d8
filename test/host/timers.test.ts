import { VirtualClock } from "../../local/clock";
import { startHost, MemoryLogger, type LocalHostHandle } from "../../local/host/index";
import { createFixtureApp, type FixtureApp } from "./fixture-app";

interface TimerRun {
  at: string;
  timer: { isPastDue: boolean; schedule: { adjustForDST: boolean }; scheduleStatus: { last: string; next: string; lastUpdated: string } | null };
}

/** Each fixture run logs `{ timer }` as a user log line; the virtual clock says when it ran. */
function runsOf(logger: MemoryLogger, functionName: string): TimerRun[] {
  return logger.entries
    .filter((e) => e.category === `Function.${functionName}.User`)
    .map((e) => ({ at: e.context?.at ?? "", timer: (JSON.parse(e.message) as Pick<TimerRun, "timer">).timer }));
}

describe("local host: timer triggers on the virtual clock", () => {
  let fixture: FixtureApp;
  const settings = { WEEKDAY_SCHEDULE: "0 0 9 * * MON-FRI" };

  beforeEach(() => {
    fixture = createFixtureApp("timer-app");
  });
  afterEach(() => fixture.remove());

  async function start(clock: VirtualClock, logger: MemoryLogger): Promise<LocalHostHandle> {
    const stamp = (entry: Parameters<MemoryLogger["log"]>[0]): void => logger.log({ ...entry, context: { ...(entry.context ?? {}), at: new Date(clock.now()).toISOString() } });
    return startHost({ appDir: fixture.appDir, clock, dataDir: fixture.dataDir, settings, extensions: [], logger: stamp });
  }

  it("fires NCRONTAB schedules in order as the clock advances, with the schedule status", async () => {
    const clock = new VirtualClock("2026-01-05T00:01:00Z"); // a Monday
    const logger = new MemoryLogger();
    const host = await start(clock, logger);
    try {
      await clock.advance(16 * 60_000);
      const runs = runsOf(logger, "everyFiveMinutes");
      expect(runs.map((r) => r.at)).toEqual(["2026-01-05T00:05:00.000Z", "2026-01-05T00:10:00.000Z", "2026-01-05T00:15:00.000Z"]);
      expect(runs[0]?.timer).toEqual({
        schedule: { adjustForDST: true },
        scheduleStatus: { last: "0001-01-01T00:00:00", next: "2026-01-05T00:05:00.000Z", lastUpdated: "0001-01-01T00:00:00" },
        isPastDue: false
      });
      expect(runs[1]?.timer.scheduleStatus).toEqual({ last: "2026-01-05T00:05:00.000Z", next: "2026-01-05T00:10:00.000Z", lastUpdated: "2026-01-05T00:05:00.000Z" });

      // The %SETTING% schedule: weekdays at 09:00 (weekend skipping is covered by the NCRONTAB tests).
      await clock.advanceTo("2026-01-05T10:00:00Z");
      expect(runsOf(logger, "weekdaysFromSetting").map((r) => r.at)).toEqual(["2026-01-05T09:00:00.000Z"]);
    } finally {
      await host.stop();
    }
  });

  it("runs a runOnStartup timer at once, then on its schedule", async () => {
    const clock = new VirtualClock("2026-01-05T00:00:00Z");
    const logger = new MemoryLogger();
    const host = await start(clock, logger);
    try {
      await host.waitForIdle();
      await clock.advance(0);
      expect(runsOf(logger, "dailyOnStartup").map((r) => r.at)).toEqual(["2026-01-05T00:00:00.000Z"]);
      await clock.advanceTo("2026-01-05T03:00:00Z");
      const runs = runsOf(logger, "dailyOnStartup");
      expect(runs.map((r) => r.at)).toEqual(["2026-01-05T00:00:00.000Z", "2026-01-05T02:30:00.000Z"]);
      expect(runs[1]?.timer.scheduleStatus?.next).toBe("2026-01-05T02:30:00.000Z");
      expect(runs[1]?.timer.scheduleStatus?.last).toBe("2026-01-05T00:00:00.000Z");
    } finally {
      await host.stop();
    }
  });

  it("keeps firing after a run fails", async () => {
    const clock = new VirtualClock("2026-01-05T00:00:00Z");
    const logger = new MemoryLogger();
    const host = await start(clock, logger);
    try {
      await clock.advance(3 * 3600_000);
      expect(runsOf(logger, "failing").map((r) => r.at)).toEqual(["2026-01-05T01:00:00.000Z", "2026-01-05T02:00:00.000Z", "2026-01-05T03:00:00.000Z"]);
      expect(logger.entries.filter((e) => e.message.startsWith("Executed 'Functions.failing' (Failed"))).toHaveLength(3);
    } finally {
      await host.stop();
    }
  });

  it("after a restart, runs a missed occurrence once with isPastDue, knowing the last run", async () => {
    const clock = new VirtualClock("2026-01-05T00:01:00Z");
    const first = new MemoryLogger();
    const host1 = await start(clock, first);
    await clock.advanceTo("2026-01-05T00:06:00Z");
    expect(runsOf(first, "everyFiveMinutes").map((r) => r.at)).toEqual(["2026-01-05T00:05:00.000Z"]);
    await host1.stop();

    // Down for an hour: the 00:10 ... 01:05 occurrences were missed.
    await clock.advanceTo("2026-01-05T01:07:00Z");
    const second = new MemoryLogger();
    const host2 = await start(clock, second);
    try {
      await clock.advanceTo("2026-01-05T01:12:00Z");
      const runs = runsOf(second, "everyFiveMinutes");
      expect(runs.map((r) => [r.at, r.timer.isPastDue])).toEqual([["2026-01-05T01:07:00.000Z", true], ["2026-01-05T01:10:00.000Z", false]]);
      expect(runs[0]?.timer.scheduleStatus).toEqual({ last: "2026-01-05T00:05:00.000Z", next: "2026-01-05T00:10:00.000Z", lastUpdated: "2026-01-05T00:05:00.000Z" });
      expect(runs[1]?.timer.scheduleStatus?.last).toBe("2026-01-05T01:07:00.000Z");
    } finally {
      await host2.stop();
    }
  });
});
