import type { MaintenanceConfiguration } from "@azure/arm-containerservice";
import { InvalidMaintenanceWindowError } from "../../shared/domain/errors";
import {
  type MaintenanceWindowSpec, compileMaintenanceWindow, isInsideWindow, maintenanceWindowIssues, maintenanceWindowOf,
  nextWindow, nextWindowStart, remainingInWindow, windowContaining, windowsBetween
} from "../../shared/domain/maintenanceWindow";

function weekly(dayOfWeek: string, extra: Partial<MaintenanceWindowSpec> = {}, intervalWeeks = 1): MaintenanceWindowSpec {
  return { schedule: { weekly: { intervalWeeks, dayOfWeek } }, durationHours: 4, startTime: "02:00", utcOffset: "+00:00", ...extra };
}

describe("nextWindow: weekly", () => {
  it("finds the next Sunday 02:00–06:00 UTC", () => {
    expect(nextWindow(weekly("Sunday"), "2026-11-18T10:00:00Z")).toEqual({ start: "2026-11-22T02:00:00.000Z", end: "2026-11-22T06:00:00.000Z" });
  });

  it("returns the window in progress; nextWindowStart skips it", () => {
    expect(nextWindow(weekly("Sunday"), "2026-11-22T03:00:00Z")?.start).toBe("2026-11-22T02:00:00.000Z");
    expect(nextWindowStart(weekly("Sunday"), "2026-11-22T03:00:00Z")?.start).toBe("2026-11-29T02:00:00.000Z");
  });

  it("a window that has just closed is not returned", () => {
    expect(nextWindow(weekly("Sunday"), "2026-11-22T06:00:00Z")?.start).toBe("2026-11-29T02:00:00.000Z");
  });

  it("with a positive offset opens on the previous UTC day", () => {
    const spec = weekly("Monday", { utcOffset: "+05:30", startTime: "02:00" });
    expect(nextWindow(spec, "2026-11-18T00:00:00Z")).toEqual({ start: "2026-11-22T20:30:00.000Z", end: "2026-11-23T00:30:00.000Z" });
  });

  it("with a negative offset opens on the next UTC day", () => {
    const spec = weekly("Saturday", { utcOffset: "-08:00", startTime: "20:00", durationHours: 6 });
    expect(nextWindow(spec, "2026-11-18T00:00:00Z")).toEqual({ start: "2026-11-22T04:00:00.000Z", end: "2026-11-22T10:00:00.000Z" });
  });

  it("every 2 weeks counts from the startDate's Sunday-to-Saturday week (Azure/AKS#5720)", () => {
    const spec = weekly("Sunday", { startDate: "2026-04-14" }, 2);
    expect(windowsBetween(spec, "2026-04-01T00:00:00Z", "2026-05-20T00:00:00Z").map((w) => w.start.slice(0, 10)))
      .toEqual(["2026-04-26", "2026-05-10"]);
  });

  it("a start date in the future: nothing before it, then the first eligible day", () => {
    const spec = weekly("Monday", { startDate: "2027-01-10" }, 2);
    expect(nextWindow(spec, "2026-11-20T00:00:00Z")?.start).toBe("2027-01-11T02:00:00.000Z");
    expect(nextWindowStart(spec, "2027-01-11T03:00:00Z")?.start).toBe("2027-01-25T02:00:00.000Z");
    expect(isInsideWindow(spec, "2026-11-23T03:00:00Z")).toBe(false);
  });
});

describe("nextWindow: daily", () => {
  it("every 3 days anchored at startDate", () => {
    const spec: MaintenanceWindowSpec = { schedule: { daily: { intervalDays: 3 } }, durationHours: 4, startTime: "01:00", startDate: "2026-11-01" };
    expect(windowsBetween(spec, "2026-11-15T00:00:00Z", "2026-11-25T00:00:00Z").map((w) => w.start.slice(0, 10)))
      .toEqual(["2026-11-16", "2026-11-19", "2026-11-22"]);
    expect(nextWindow(spec, "2026-11-20T12:00:00Z")?.start).toBe("2026-11-22T01:00:00.000Z");
  });

  it("a window that crosses midnight contains the small hours of the next day", () => {
    const spec: MaintenanceWindowSpec = { schedule: { daily: { intervalDays: 1 } }, durationHours: 8, startTime: "22:00" };
    expect(windowContaining(spec, "2026-11-21T03:00:00Z")).toEqual({ start: "2026-11-20T22:00:00.000Z", end: "2026-11-21T06:00:00.000Z" });
    expect(remainingInWindow(spec, "2026-11-21T03:00:00Z")).toBe(3 * 3_600_000);
    expect(remainingInWindow(spec, "2026-11-21T12:00:00Z")).toBe(0);
  });

  it("start is inclusive, end exclusive", () => {
    const spec = weekly("Sunday");
    expect(isInsideWindow(spec, "2026-11-22T02:00:00Z")).toBe(true);
    expect(isInsideWindow(spec, "2026-11-22T05:59:59.999Z")).toBe(true);
    expect(isInsideWindow(spec, "2026-11-22T06:00:00Z")).toBe(false);
    expect(isInsideWindow(spec, "2026-11-22T01:59:59Z")).toBe(false);
  });
});

describe("nextWindow: monthly", () => {
  const absolute = (dayOfMonth: number, intervalMonths = 1, startDate?: string): MaintenanceWindowSpec => ({
    schedule: { absoluteMonthly: { intervalMonths, dayOfMonth } }, durationHours: 6, startTime: "00:00", ...(startDate ? { startDate } : {})
  });

  it("dayOfMonth 31 falls on the last day of shorter months", () => {
    const starts = windowsBetween(absolute(31), "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z").map((w) => w.start.slice(0, 10));
    expect(starts).toEqual(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]);
    expect(nextWindow(absolute(30), "2028-02-01T00:00:00Z")?.start).toBe("2028-02-29T00:00:00.000Z");
  });

  it("every 2 months counts from the startDate's month", () => {
    const spec = absolute(15, 2, "2026-01-20");
    expect(windowsBetween(spec, "2026-01-01T00:00:00Z", "2026-08-01T00:00:00Z").map((w) => w.start.slice(0, 10)))
      .toEqual(["2026-03-15", "2026-05-15", "2026-07-15"]);
  });

  const relative = (weekIndex: string, dayOfWeek: string, intervalMonths = 1, startDate?: string): MaintenanceWindowSpec => ({
    schedule: { relativeMonthly: { intervalMonths, weekIndex, dayOfWeek } }, durationHours: 4, startTime: "03:00", ...(startDate ? { startDate } : {})
  });

  it("Last is the fifth weekday in a month that has five, Fourth stays the fourth", () => {
    expect(nextWindow(relative("Last", "Monday"), "2026-08-01T00:00:00Z")?.start).toBe("2026-08-31T03:00:00.000Z");
    expect(nextWindow(relative("Fourth", "Monday"), "2026-08-01T00:00:00Z")?.start).toBe("2026-08-24T03:00:00.000Z");
    expect(nextWindow(relative("Last", "Friday"), "2026-05-01T00:00:00Z")?.start).toBe("2026-05-29T03:00:00.000Z");
  });

  it("First Monday every 3 months from January", () => {
    const spec = relative("First", "Monday", 3, "2026-01-01");
    expect(windowsBetween(spec, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z").map((w) => w.start.slice(0, 10)))
      .toEqual(["2026-01-05", "2026-04-06", "2026-07-06", "2026-10-05"]);
  });
});

describe("notAllowedDates", () => {
  it("a blocked date covering the whole window skips to the next one", () => {
    const spec = weekly("Sunday", { notAllowedDates: [{ start: "2026-11-22", end: "2026-11-22" }] });
    expect(nextWindow(spec, "2026-11-18T00:00:00Z")?.start).toBe("2026-11-29T02:00:00.000Z");
    expect(isInsideWindow(spec, "2026-11-22T03:00:00Z")).toBe(false);
  });

  it("a window that only overlaps the blocked range is skipped too, in local time", () => {
    // Saturday 22:00 local (+02:00) for 4 hours runs into Sunday local, which is blocked.
    const spec = weekly("Saturday", { utcOffset: "+02:00", startTime: "22:00", notAllowedDates: [{ start: "2026-11-22", end: "2026-11-22" }] });
    expect(nextWindow(spec, "2026-11-18T00:00:00Z")?.start).toBe("2026-11-28T20:00:00.000Z");
  });

  it("blocks from local midnight of start to local midnight after end (SDK docs example)", () => {
    const daily: MaintenanceWindowSpec = {
      schedule: { daily: { intervalDays: 1 } }, durationHours: 4, startTime: "00:00", utcOffset: "+02:00",
      notAllowedDates: [{ start: "2022-12-23", end: "2023-01-03" }]
    };
    // The block runs from 2022-12-22T22:00Z to 2023-01-03T22:00Z: local 2022-12-22 (opening 2022-12-21T22:00Z)
    // is still allowed, local 2023-01-04 (opening 2023-01-03T22:00Z) is the first one after it.
    expect(windowsBetween(daily, "2022-12-21T03:00:00Z", "2023-01-05T00:00:00Z").map((w) => w.start))
      .toEqual(["2022-12-21T22:00:00.000Z", "2023-01-03T22:00:00.000Z", "2023-01-04T22:00:00.000Z"]);
  });

  it("SDK Date objects are read as calendar dates", () => {
    const config: MaintenanceConfiguration = {
      maintenanceWindow: {
        schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Sunday" } }, durationHours: 4, startTime: "02:00",
        startDate: new Date("2026-11-01T00:00:00Z"), notAllowedDates: [{ start: new Date("2026-11-22T00:00:00Z"), end: new Date("2026-11-22T00:00:00Z") }]
      }
    };
    const spec = maintenanceWindowOf(config)!;
    expect(nextWindow(spec, "2026-11-18T00:00:00Z")?.start).toBe("2026-11-29T02:00:00.000Z");
    expect(maintenanceWindowOf({ properties: { maintenanceWindow: spec } })).toBe(spec);
    expect(maintenanceWindowOf({})).toBeUndefined();
  });

  it("no window at all when every occurrence is blocked", () => {
    const spec = weekly("Sunday", { notAllowedDates: [{ start: "2026-01-01", end: "2031-12-31" }] });
    expect(nextWindow(spec, "2026-11-18T00:00:00Z")).toBeUndefined();
  });
});

describe("windowsBetween", () => {
  it("includes a window already open at `from` and excludes one opening at `to`", () => {
    const starts = windowsBetween(weekly("Sunday"), "2026-11-22T03:00:00Z", "2026-12-06T02:00:00Z").map((w) => w.start.slice(0, 10));
    expect(starts).toEqual(["2026-11-22", "2026-11-29"]);
    expect(windowsBetween(weekly("Sunday"), "2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z")).toEqual([]);
  });

  it("agrees with nextWindow and windowContaining over a year of daily checks", () => {
    const spec = weekly("Wednesday", { utcOffset: "-03:30", startTime: "23:15", durationHours: 5 }, 3);
    const compiledSpec = compileMaintenanceWindow({ ...spec, startDate: "2026-01-01" });
    const all = windowsBetween(compiledSpec, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    expect(all.length).toBeGreaterThanOrEqual(17);
    for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2026-12-01T00:00:00Z"); t += 7 * 3_600_000) {
      const at = new Date(t).toISOString();
      const expected = all.find((w) => Date.parse(w.end) > t);
      expect(nextWindow(compiledSpec, at)).toEqual(expected);
      const inside = all.find((w) => Date.parse(w.start) <= t && t < Date.parse(w.end));
      expect(windowContaining(compiledSpec, at)).toEqual(inside);
    }
    // Consecutive windows are 21 days apart and each lasts 5 hours.
    for (let i = 1; i < all.length; i++) expect(Date.parse(all[i]!.start) - Date.parse(all[i - 1]!.start)).toBe(21 * 86_400_000);
    expect(all.every((w) => Date.parse(w.end) - Date.parse(w.start) === 5 * 3_600_000)).toBe(true);
  });
});

describe("validation", () => {
  it("names every invalid field", () => {
    const issues = maintenanceWindowIssues({
      schedule: { weekly: { intervalWeeks: 9, dayOfWeek: "Funday" } }, durationHours: 3, utcOffset: "+5:30", startTime: "24:00",
      startDate: "2026-02-30", notAllowedDates: [{ start: "2026-12-24", end: "2026-12-20" }, { start: "x" }]
    });
    expect(issues.map((i) => i.field).sort()).toEqual([
      "maintenanceWindow.durationHours", "maintenanceWindow.notAllowedDates[0]", "maintenanceWindow.notAllowedDates[1].end",
      "maintenanceWindow.notAllowedDates[1].start", "maintenanceWindow.schedule.weekly.dayOfWeek", "maintenanceWindow.schedule.weekly.intervalWeeks",
      "maintenanceWindow.startDate", "maintenanceWindow.startTime", "maintenanceWindow.utcOffset"
    ]);
  });

  it("requires exactly one recurrence", () => {
    const both = maintenanceWindowIssues({ schedule: { daily: { intervalDays: 1 }, weekly: { intervalWeeks: 1, dayOfWeek: "Monday" } }, durationHours: 4, startTime: "00:00" });
    expect(both.map((i) => i.field)).toEqual(["maintenanceWindow.schedule"]);
    expect(both[0]?.message).toContain("found daily, weekly");
    expect(maintenanceWindowIssues({ schedule: {}, durationHours: 4, startTime: "00:00" })[0]?.message).toContain("found none");
    expect(maintenanceWindowIssues("weekly", "policy.window").map((i) => i.field)).toEqual(["policy.window"]);
  });

  it("relativeMonthly needs a valid weekIndex, absoluteMonthly a dayOfMonth in 1–31", () => {
    const fields = (spec: unknown): string[] => maintenanceWindowIssues(spec).map((i) => i.field);
    expect(fields({ schedule: { relativeMonthly: { intervalMonths: 1, weekIndex: "Fifth", dayOfWeek: "Monday" } }, durationHours: 4, startTime: "00:00" }))
      .toEqual(["maintenanceWindow.schedule.relativeMonthly.weekIndex"]);
    expect(fields({ schedule: { absoluteMonthly: { intervalMonths: 7, dayOfMonth: 32 } }, durationHours: 24, startTime: "00:00" }))
      .toEqual(["maintenanceWindow.schedule.absoluteMonthly.intervalMonths", "maintenanceWindow.schedule.absoluteMonthly.dayOfMonth"]);
  });

  it("computing with an invalid spec throws a named error; so does a zone-less instant", () => {
    expect(() => nextWindow(weekly("Sunday", { durationHours: 2 }), "2026-11-18T00:00:00Z")).toThrow(InvalidMaintenanceWindowError);
    expect(() => nextWindow(weekly("Sunday"), "2026-11-18T00:00:00")).toThrow(/from must be an ISO-8601 instant/);
  });
});
