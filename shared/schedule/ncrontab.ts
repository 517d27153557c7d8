/**
 * Timer trigger schedules as the Azure Functions timer extension reads them:
 *  - NCRONTAB with six fields `{second} {minute} {hour} {day} {month} {day-of-week}` (values,
 *    `*`, ranges `a-b`, lists `a,b`, steps `*\/n` and `a-b/n`, month and day names);
 *    as in NCrontab, a time must match the day-of-month AND the day-of-week fields;
 *  - a TimeSpan `hh:mm:ss` (or `d.hh:mm:ss`): an interval between runs.
 * Times are UTC (Azure's default; WEBSITE_TIME_ZONE is not modelled).
 */
export class ScheduleError extends Error {
  override readonly name = "ScheduleError";
  constructor(message: string, readonly expression: string) {
    super(`Invalid timer schedule "${expression}": ${message}`);
  }
}

export interface Schedule {
  readonly expression: string;
  /** The first occurrence strictly after `after` (epoch ms). */
  nextAfter(after: number): number;
  /** `AdjustForDST` as the timer extension reports it: true for cron schedules. */
  readonly adjustForDst: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec { name: string; min: number; max: number; names?: string[]; namesStart?: number }

const FIELDS: FieldSpec[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesStart: 1 },
  // 7 is accepted as Sunday, as in many cron dialects.
  { name: "day-of-week", min: 0, max: 7, names: DAYS, namesStart: 0 }
];

export function parseSchedule(expression: string): Schedule {
  const trimmed = expression.trim();
  if (/^(\d+\.)?\d{1,2}:\d{2}(:\d{2})?$/.test(trimmed)) return new TimeSpanSchedule(trimmed);
  return new CronSchedule(trimmed);
}

class TimeSpanSchedule implements Schedule {
  readonly adjustForDst = false;
  private readonly intervalMs: number;

  constructor(readonly expression: string) {
    const [daysPart, timePart] = expression.includes(".") ? expression.split(".") : ["0", expression];
    const [h = "0", m = "0", s = "0"] = (timePart ?? "").split(":");
    this.intervalMs = (((Number(daysPart) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (!(this.intervalMs > 0)) throw new ScheduleError("the interval must be positive", expression);
  }

  nextAfter(after: number): number {
    return after + this.intervalMs;
  }
}

class CronSchedule implements Schedule {
  readonly adjustForDst = true;
  private readonly seconds: number[];
  private readonly minutes: number[];
  private readonly hours: number[];
  private readonly days: Set<number>;
  private readonly months: Set<number>;
  private readonly daysOfWeek: Set<number>;

  constructor(readonly expression: string) {
    const parts = expression.split(/\s+/);
    if (parts.length !== 6) {
      throw new ScheduleError(`expected 6 fields {second} {minute} {hour} {day} {month} {day-of-week}, got ${parts.length}`, expression);
    }
    const sets = parts.map((part, i) => parseField(part, FIELDS[i] as FieldSpec, expression));
    const [seconds, minutes, hours, days, months, daysOfWeek] = sets as [number[], number[], number[], number[], number[], number[]];
    this.seconds = seconds;
    this.minutes = minutes;
    this.hours = hours;
    this.days = new Set(days);
    this.months = new Set(months);
    this.daysOfWeek = new Set(daysOfWeek);
  }

  nextAfter(after: number): number {
    let t = Math.floor(after / 1000) * 1000 + 1000;
    // Eight years covers every combination (Feb 29 on a given weekday included).
    for (let i = 0; i < 366 * 8; i++) {
      const d = new Date(t);
      const year = d.getUTCFullYear();
      const month = d.getUTCMonth();
      const day = d.getUTCDate();
      if (this.months.has(month + 1) && this.days.has(day) && this.daysOfWeek.has(d.getUTCDay())) {
        const time = this.firstTimeFrom(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
        if (time) return Date.UTC(year, month, day, time[0], time[1], time[2]);
      }
      t = Date.UTC(year, month, day + 1);
    }
    throw new ScheduleError("no occurrence within eight years", this.expression);
  }

  private firstTimeFrom(h0: number, m0: number, s0: number): [number, number, number] | undefined {
    for (const h of this.hours) {
      if (h < h0) continue;
      for (const m of this.minutes) {
        if (h === h0 && m < m0) continue;
        for (const s of this.seconds) {
          if (h === h0 && m === m0 && s < s0) continue;
          return [h, m, s];
        }
      }
    }
    return undefined;
  }
}

function parseField(text: string, spec: FieldSpec, expression: string): number[] {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const [rangePart = "", stepPart] = item.split("/");
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step <= 0) throw new ScheduleError(`bad step "${item}" in the ${spec.name} field`, expression);
    let from: number;
    let to: number;
    if (rangePart === "*") {
      from = spec.min;
      to = spec.max;
    } else if (rangePart.includes("-")) {
      const [a = "", b = ""] = rangePart.split("-");
      from = parseValue(a, spec, expression);
      to = parseValue(b, spec, expression);
    } else {
      from = parseValue(rangePart, spec, expression);
      // `a/n` means from a to the end of the range, stepping n.
      to = stepPart === undefined ? from : spec.max;
    }
    if (from > to) throw new ScheduleError(`range "${rangePart}" runs backwards in the ${spec.name} field`, expression);
    for (let v = from; v <= to; v += step) values.add(spec.name === "day-of-week" ? v % 7 : v);
  }
  return [...values].sort((a, b) => a - b);
}

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const upper = text.toUpperCase();
  const named = spec.names?.findIndex((n) => upper === n || (upper.length > 3 && n === upper.slice(0, 3))) ?? -1;
  const value = named >= 0 ? named + (spec.namesStart ?? 0) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new ScheduleError(`"${text}" is out of range ${spec.min}-${spec.max} for the ${spec.name} field`, expression);
  }
  return value;
}
