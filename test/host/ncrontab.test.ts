import { parseSchedule, ScheduleError } from "../../local/host/timers/ncrontab";

const t = (iso: string): number => new Date(iso).getTime();
const next = (expression: string, after: string, count = 1): string[] => {
  const schedule = parseSchedule(expression);
  const out: string[] = [];
  let at = t(after);
  for (let i = 0; i < count; i++) {
    at = schedule.nextAfter(at);
    out.push(new Date(at).toISOString());
  }
  return out;
};

describe("NCRONTAB schedules", () => {
  it("steps through seconds and minutes", () => {
    expect(next("*/15 * * * * *", "2026-01-05T00:00:00Z", 3)).toEqual(["2026-01-05T00:00:15.000Z", "2026-01-05T00:00:30.000Z", "2026-01-05T00:00:45.000Z"]);
    expect(next("0 */5 * * * *", "2026-01-05T00:03:10Z", 2)).toEqual(["2026-01-05T00:05:00.000Z", "2026-01-05T00:10:00.000Z"]);
  });

  it("is strictly after the given time, even within the same second", () => {
    expect(next("0 0 * * * *", "2026-01-05T01:00:00.500Z")).toEqual(["2026-01-05T02:00:00.000Z"]);
  });

  it("handles ranges, lists and ranges with steps", () => {
    expect(next("0 0 9-17/4 * * *", "2026-01-05T00:00:00Z", 4)).toEqual([
      "2026-01-05T09:00:00.000Z", "2026-01-05T13:00:00.000Z", "2026-01-05T17:00:00.000Z", "2026-01-06T09:00:00.000Z"
    ]);
    expect(next("0 15,45 8 * * *", "2026-01-05T08:20:00Z", 2)).toEqual(["2026-01-05T08:45:00.000Z", "2026-01-06T08:15:00.000Z"]);
    expect(next("0 0 0 1/10 * *", "2026-01-02T00:00:00Z", 3)).toEqual(["2026-01-11T00:00:00.000Z", "2026-01-21T00:00:00.000Z", "2026-01-31T00:00:00.000Z"]);
  });

  it("understands day and month names, and 7 as Sunday", () => {
    // 2026-01-05 is a Monday.
    expect(next("0 0 9 * * MON-FRI", "2026-01-09T10:00:00Z")).toEqual(["2026-01-12T09:00:00.000Z"]);
    expect(next("0 0 3 * * Sat,sun", "2026-01-05T00:00:00Z", 2)).toEqual(["2026-01-10T03:00:00.000Z", "2026-01-11T03:00:00.000Z"]);
    expect(next("0 0 3 * * 7", "2026-01-05T00:00:00Z")).toEqual(["2026-01-11T03:00:00.000Z"]);
    expect(next("0 0 0 1 JUN *", "2026-01-05T00:00:00Z")).toEqual(["2026-06-01T00:00:00.000Z"]);
  });

  it("requires both the day-of-month and the day-of-week to match, as NCrontab does", () => {
    // The 13th that is a Friday: February 2026, then March 2026.
    expect(next("0 0 0 13 * FRI", "2026-01-01T00:00:00Z", 2)).toEqual(["2026-02-13T00:00:00.000Z", "2026-03-13T00:00:00.000Z"]);
  });

  it("finds February 29 in the next leap year", () => {
    expect(next("0 0 12 29 2 *", "2026-01-01T00:00:00Z")).toEqual(["2028-02-29T12:00:00.000Z"]);
  });

  it("reads TimeSpan schedules as intervals", () => {
    expect(next("00:30:00", "2026-01-05T00:10:00Z", 2)).toEqual(["2026-01-05T00:40:00.000Z", "2026-01-05T01:10:00.000Z"]);
    expect(next("1.00:00:00", "2026-01-05T00:00:00Z")).toEqual(["2026-01-06T00:00:00.000Z"]);
    expect(parseSchedule("00:05:00").adjustForDst).toBe(false);
    expect(parseSchedule("0 0 * * * *").adjustForDst).toBe(true);
  });

  it("rejects malformed expressions with a message naming the field", () => {
    expect(() => parseSchedule("0 */5 * * *")).toThrow(ScheduleError);
    expect(() => parseSchedule("0 */5 * * *")).toThrow(/expected 6 fields/);
    expect(() => parseSchedule("0 61 * * * *")).toThrow(/out of range 0-59 for the minute field/);
    expect(() => parseSchedule("0 0 0 * FOO *")).toThrow(/month field/);
    expect(() => parseSchedule("0 0 10-2 * * *")).toThrow(/runs backwards in the hour field/);
    expect(() => parseSchedule("*/0 * * * * *")).toThrow(/bad step/);
    expect(() => parseSchedule("0 0 0 31 2 *").nextAfter(t("2026-01-01T00:00:00Z"))).toThrow(/no occurrence/);
  });
});
