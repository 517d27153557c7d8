/**
 * Runs timer-triggered functions on the host's clock, following the timer extension's
 * TimerListener and ScheduleMonitor (Azure/azure-webjobs-sdk-extensions):
 *  - on start, a stored status whose `Next` has passed means an occurrence was missed while the
 *    host was down: it runs once at once with `IsPastDue: true`; otherwise `runOnStartup` runs once;
 *  - the function sees the status as it was before the run (Last = previous run, Next = this one);
 *    afterwards Last = this run, Next = the following occurrence, and the status is saved;
 *  - runs of one timer never overlap; the next one is scheduled when the previous one finished;
 *  - schedules of less than a minute are not monitored (no status, `ScheduleStatus: null`);
 *  - a schedule may name an app setting as `%SettingName%`.
 */
import path from "node:path";
import type { Clock, CancelTimer } from "../../clock";
import type { InvocationInput, InvocationResult, RegisteredFunction } from "../extension";
import type { HostLogger } from "../logger";
import { parseSchedule, type Schedule } from "./ncrontab";
import { NEVER, ScheduleStatusStore, toTime, type ScheduleStatus } from "./schedule-status";

export interface TimerTriggersDeps {
  clock: Clock;
  dataDir: string;
  settings: Readonly<Record<string, string>>;
  functions: RegisteredFunction[];
  logger: HostLogger;
  run(functionName: string, input: InvocationInput, reason: string): Promise<InvocationResult>;
  /** Counts the run as host work in flight until the next occurrence is armed. */
  track(work: () => Promise<void>): Promise<void>;
}

interface TimerState {
  fn: RegisteredFunction;
  schedule: Schedule;
  monitored: boolean;
  status: ScheduleStatus;
  cancel?: CancelTimer;
}

export class TimerTriggers {
  private readonly store: ScheduleStatusStore;
  private readonly timers: TimerState[] = [];
  private stopped = false;

  constructor(private readonly deps: TimerTriggersDeps) {
    this.store = new ScheduleStatusStore(path.join(deps.dataDir, "timers"));
  }

  start(): void {
    const now = this.deps.clock.now();
    for (const fn of this.deps.functions) {
      if (fn.trigger.type.toLowerCase() !== "timertrigger") continue;
      const schedule = parseSchedule(resolveSetting(typeof fn.trigger.schedule === "string" ? fn.trigger.schedule : "", this.deps.settings, fn.name));
      const first = schedule.nextAfter(now);
      const monitored = fn.trigger.useMonitor !== false && schedule.nextAfter(first) - first >= 60_000;
      const stored = monitored ? this.store.read(fn.name) : undefined;
      const state: TimerState = {
        fn,
        schedule,
        monitored,
        status: stored ?? { last: NEVER, next: iso(first), lastUpdated: NEVER }
      };
      this.timers.push(state);
      this.deps.logger({ level: "information", category: "Host.Triggers.Timer", message: `The next 5 occurrences of the '${fn.name}' schedule (${schedule.expression}) will be: ${nextOccurrences(schedule, now, 5).join(", ")}`, context: { functionName: fn.name } });

      if (stored && now > toTime(stored.next)) {
        // ScheduleMonitor.CheckPastDueAsync: the recorded Next is in the past.
        this.arm(state, now, () => this.fire(state, { isPastDue: true, runOnStartup: false, reason: `Timer '${fn.name}' is past due` }));
      } else if (fn.trigger.runOnStartup === true) {
        this.arm(state, now, () => this.fire(state, { isPastDue: false, runOnStartup: true, reason: `Timer '${fn.name}' run on startup` }));
      } else {
        if (monitored && !stored) this.store.write(fn.name, state.status);
        this.armNext(state);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) timer.cancel?.();
  }

  private armNext(state: TimerState): void {
    const now = this.deps.clock.now();
    const next = Math.max(toTime(state.status.next), now);
    this.arm(state, next, () => this.fire(state, { isPastDue: false, runOnStartup: false, reason: `Timer fired at ${iso(this.deps.clock.now())}` }));
  }

  private arm(state: TimerState, at: number, callback: () => void): void {
    if (this.stopped) return;
    state.cancel = this.deps.clock.setTimer(at, callback);
  }

  private fire(state: TimerState, how: { isPastDue: boolean; runOnStartup: boolean; reason: string }): void {
    if (this.stopped) return;
    const invocationTime = this.deps.clock.now();
    const timerInfo = {
      Schedule: { AdjustForDST: state.schedule.adjustForDst },
      ScheduleStatus: state.monitored ? { Last: state.status.last, Next: state.status.next, LastUpdated: state.status.lastUpdated } : null,
      IsPastDue: how.isPastDue
    };
    const input: InvocationInput = { inputData: [{ name: state.fn.triggerName, data: { json: JSON.stringify(timerInfo) } }] };
    void this.deps.track(async () => {
      try {
        await this.deps.run(state.fn.name, input, how.reason);
      } catch {
        // Logged by the invoker; a failed run never stops the schedule.
      }
      if (this.stopped) return;
      // TimerListener: a run that fired before its scheduled time counts as the scheduled time.
      const scheduled = toTime(state.status.next);
      const adjusted = !how.isPastDue && !how.runOnStartup && scheduled > invocationTime ? scheduled : invocationTime;
      state.status = { last: iso(adjusted), next: iso(state.schedule.nextAfter(adjusted)), lastUpdated: iso(adjusted) };
      if (state.monitored) this.store.write(state.fn.name, state.status);
      this.armNext(state);
    });
  }
}

export class TimerSettingError extends Error {
  override readonly name = "TimerSettingError";
}

function resolveSetting(schedule: string, settings: Readonly<Record<string, string>>, functionName: string): string {
  const match = /^%(.+)%$/.exec(schedule.trim());
  if (!match) return schedule;
  const name = match[1] ?? "";
  const value = settings[name];
  if (value === undefined) throw new TimerSettingError(`Timer function '${functionName}' names app setting '${name}' in its schedule, and it is not set.`);
  return value;
}

function nextOccurrences(schedule: Schedule, from: number, count: number): string[] {
  const out: string[] = [];
  let t = from;
  for (let i = 0; i < count; i++) {
    t = schedule.nextAfter(t);
    out.push(iso(t));
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
