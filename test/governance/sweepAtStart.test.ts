/**
 * The governance sweep at app start (issue 27): the timer's `runOnStartup` run starts a sweep only
 * when no sweep started within the schedule's interval has completed or is still running. The
 * durable client is a typed fake of the one call made (`getStatusBy`), answering as the local
 * engine and the extension do: instances created since `createdTimeFrom`, in the given statuses.
 */
import * as df from "durable-functions";
import type { OrchestrationFilter } from "durable-functions";
import { isStartupRun, sweepDueAtStartup, sweepIntervalMs, sweepSkipReason } from "../../functions/handlers/governanceSweep";

const at = (iso: string) => Date.parse(iso);

function instances(list: { instanceId: string; createdTime: string; runtimeStatus: df.OrchestrationRuntimeStatus }[]) {
  const filters: OrchestrationFilter[] = [];
  return {
    filters,
    client: {
      getStatusBy: (filter: OrchestrationFilter) => {
        filters.push(filter);
        return Promise.resolve(list.filter((i) => (!filter.createdTimeFrom || Date.parse(i.createdTime) >= filter.createdTimeFrom.getTime())
          && (!filter.runtimeStatus || filter.runtimeStatus.includes(i.runtimeStatus))).map((i) => ({ instanceId: i.instanceId })));
      }
    }
  };
}

describe("the governance sweep at app start", () => {
  it("reads its interval from the schedule (hourly by default; a TimeSpan as written)", () => {
    expect(sweepIntervalMs("0 0 * * * *", at("2026-11-02T08:20:00Z"))).toBe(3600_000);
    expect(sweepIntervalMs("0 */15 * * * *", at("2026-11-02T08:20:00Z"))).toBe(15 * 60_000);
    expect(sweepIntervalMs("02:00:00", at("2026-11-02T08:20:00Z"))).toBe(2 * 3600_000);
  });

  it("tells the startup run from an occurrence (past due and on-schedule runs are occurrences)", () => {
    const now = at("2026-11-02T08:20:00Z");
    expect(isStartupRun({ isPastDue: false, scheduleStatus: { last: "2026-11-02T08:00:00Z", next: "2026-11-02T09:00:00Z", lastUpdated: "2026-11-02T08:00:00Z" } }, now)).toBe(true);
    // Not monitored (the extension passes no status): a startup run.
    expect(isStartupRun({ isPastDue: false, scheduleStatus: null }, now)).toBe(true);
    expect(isStartupRun({ isPastDue: true, scheduleStatus: { last: "2026-11-02T06:00:00Z", next: "2026-11-02T07:00:00Z", lastUpdated: "2026-11-02T06:00:00Z" } }, now)).toBe(false);
    expect(isStartupRun({ isPastDue: false, scheduleStatus: { last: "2026-11-02T07:20:00Z", next: "2026-11-02T08:20:00Z", lastUpdated: "2026-11-02T07:20:00Z" } }, now)).toBe(false);
  });

  it("is due when the last completed sweep is older than the interval, not when one completed or runs within it", async () => {
    const now = at("2026-11-02T08:20:00Z");
    const old = instances([{ instanceId: "governance-sweep:2026-11-02T07:00Z", createdTime: "2026-11-02T07:00:00Z", runtimeStatus: df.OrchestrationRuntimeStatus.Completed }]);
    expect(await sweepDueAtStartup(old.client, 3600_000, now)).toEqual({ due: true });
    expect(old.filters[0]?.createdTimeFrom?.toISOString()).toBe("2026-11-02T07:20:00.000Z");
    const recent = instances([
      { instanceId: "governance-sweep:2026-11-02T08:00Z", createdTime: "2026-11-02T08:00:00Z", runtimeStatus: df.OrchestrationRuntimeStatus.Completed },
      { instanceId: "governance-sweep:2026-11-02T08:00Z:page:0", createdTime: "2026-11-02T08:00:01Z", runtimeStatus: df.OrchestrationRuntimeStatus.Completed }
    ]);
    expect(await sweepDueAtStartup(recent.client, 3600_000, now)).toEqual({ due: false, last: "governance-sweep:2026-11-02T08:00Z" });
    // A failed sweep within the interval does not count: the start sweeps again.
    const failed = instances([{ instanceId: "governance-sweep:2026-11-02T08:00Z", createdTime: "2026-11-02T08:00:00Z", runtimeStatus: df.OrchestrationRuntimeStatus.Failed }]);
    expect(await sweepDueAtStartup(failed.client, 3600_000, now)).toEqual({ due: true });
    // Only the sweep's own instances count (a page alone, or another orchestration, is not a sweep).
    const other = instances([{ instanceId: "adopt:aks-dev", createdTime: "2026-11-02T08:10:00Z", runtimeStatus: df.OrchestrationRuntimeStatus.Completed }]);
    expect(await sweepDueAtStartup(other.client, 3600_000, now)).toEqual({ due: true });
  });

  it("skips the startup run when GOVERNANCE_SWEEP_ON_STARTUP is false, and never an occurrence", async () => {
    const now = at("2026-11-02T08:20:00Z");
    const startup = { isPastDue: false, scheduleStatus: { last: "2026-11-02T08:00:00Z", next: "2026-11-02T09:00:00Z", lastUpdated: "2026-11-02T08:00:00Z" } };
    const occurrence = { isPastDue: true, scheduleStatus: { last: "2026-11-02T06:00:00Z", next: "2026-11-02T07:00:00Z", lastUpdated: "2026-11-02T06:00:00Z" } };
    const none = instances([]);
    expect(await sweepSkipReason(startup, now, { onStartup: false, schedule: "0 0 * * * *" }, none.client)).toMatch(/GOVERNANCE_SWEEP_ON_STARTUP=false/);
    expect(none.filters).toHaveLength(0);
    expect(await sweepSkipReason(startup, now, { onStartup: true, schedule: "0 0 * * * *" }, none.client)).toBeUndefined();
    expect(await sweepSkipReason(occurrence, now, { onStartup: false, schedule: "0 0 * * * *" }, none.client)).toBeUndefined();
    const recent = instances([{ instanceId: "governance-sweep:2026-11-02T08:00Z", createdTime: "2026-11-02T08:00:00Z", runtimeStatus: df.OrchestrationRuntimeStatus.Completed }]);
    expect(await sweepSkipReason(startup, now, { onStartup: true, schedule: "0 0 * * * *" }, recent.client)).toMatch(/within its interval/);
  });
});
