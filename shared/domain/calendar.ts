/**
 * Calendar arithmetic on whole days, independent of any time zone: a "day number" is the count of
 * days since 1970-01-01 in whatever local calendar the caller means. Pure integer maths, so the
 * maintenance-window rules never depend on the host's time zone.
 */
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export const WEEK_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
export type WeekDayName = (typeof WEEK_DAYS)[number];

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export function dayNumberOf(date: CivilDate): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY);
}

export function civilDateOf(dayNumber: number): CivilDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return mod(dayNumber + 4, 7);
}

/** Index of the Sunday-to-Saturday week containing the day (weeks start on Sunday, as in AKS). */
export function sundayWeekOf(dayNumber: number): number {
  return Math.floor((dayNumber + 4) / 7);
}

export function monthIndexOf(date: CivilDate): number {
  return date.year * 12 + (date.month - 1);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Parses `yyyy-mm-dd` strictly (a real calendar date), or takes the UTC date of a `Date` (how the SDK deserialises ARM `date` fields). */
export function parseCivilDate(input: unknown): CivilDate | undefined {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) return undefined;
    return { year: input.getUTCFullYear(), month: input.getUTCMonth() + 1, day: input.getUTCDate() };
  }
  if (typeof input !== "string") return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.trim());
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) return undefined;
  return date;
}

/** Parses an ISO-8601 instant with an explicit zone (`Z` or `±hh:mm`), or a Date. */
export function parseInstant(input: string | Date): number | undefined {
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? undefined : input.getTime();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(input)) return undefined;
  const ms = Date.parse(input);
  return Number.isNaN(ms) ? undefined : ms;
}
