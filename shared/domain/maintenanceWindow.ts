import {
  MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, civilDateOf, dayNumberOf, daysInMonth, mod, monthIndexOf, parseCivilDate,
  parseInstant, sundayWeekOf, weekdayOf
} from "./calendar";
import { InvalidMaintenanceWindowError } from "./errors";
import {
  type MaintenanceWindowSpec, type WeekIndex, maintenanceWindowIssues, parseClockTime, parseUtcOffset, parseWeekDay, parseWeekIndex
} from "./maintenanceSchedule";

export * from "./maintenanceSchedule";

/** One occurrence of a maintenance window, as ISO-8601 UTC instants; `end` is exclusive. */
export interface MaintenanceWindowOccurrence {
  start: string;
  end: string;
}

/**
 * How far ahead to look for the next window: long enough for a 6-monthly schedule with a year of
 * not-allowed dates in the way. A schedule with no window in that horizon has none at all for our purposes.
 */
const SEARCH_HORIZON_DAYS = 3 * 366;

interface CompiledWindow {
  offsetMs: number;
  startOfDayMs: number;
  durationMs: number;
  /** First local day the window may open on (startDate), or undefined: active at once. */
  anchorDay: number | undefined;
  occursOn: (day: number) => boolean;
  /** Blocked UTC ranges [start, end) from notAllowedDates. */
  blocked: { start: number; end: number }[];
}

/**
 * Rules, as AKS documents them ("Use planned maintenance", and the API's field descriptions):
 * - startTime, startDate and notAllowedDates are local to `utcOffset` (fixed offset, no DST);
 *   a window may therefore open on the previous or next UTC day.
 * - Before `startDate` the window is inactive; intervals count from it. Without a startDate the
 *   intervals are anchored on 1970-01-01 (local), which only matters for intervals above 1.
 * - weekly: weeks run Sunday to Saturday and the week containing startDate is week 0, so with
 *   `intervalWeeks: 2` and a startDate after that week's dayOfWeek, the first window is two weeks
 *   later, not the next one (AKS behaviour described in Azure/AKS#5720).
 * - absoluteMonthly: the month of startDate is month 0. A dayOfMonth the month lacks (31 in
 *   April) falls on the month's last day. AKS does not document this case; we clamp rather than
 *   skip so that every interval still has a window (a skipped month would leave node images a
 *   month further behind). Revisit if AKS behaves otherwise.
 * - relativeMonthly: First…Fourth are the 1st…4th such weekday; Last is the last one, which is
 *   the fifth in months that have five.
 * - notAllowedDates blocks local midnight of `start` to local midnight after `end`; a window that
 *   overlaps a blocked range is skipped entirely, not shortened.
 */
export function compileMaintenanceWindow(spec: MaintenanceWindowSpec): CompiledWindow {
  const issues = maintenanceWindowIssues(spec);
  const first = issues[0];
  if (first) throw new InvalidMaintenanceWindowError(first.field, issues.map((i) => `${i.field} ${i.message}`).join("; "));

  const offsetMs = (spec.utcOffset === undefined ? 0 : parseUtcOffset(spec.utcOffset)!) * MS_PER_MINUTE;
  const startDate = spec.startDate === undefined ? undefined : parseCivilDate(spec.startDate)!;
  const anchorDay = startDate ? dayNumberOf(startDate) : undefined;
  const anchor = anchorDay ?? 0;
  const schedule = spec.schedule;
  let occursOn: (day: number) => boolean;

  if (schedule.daily) {
    const interval = schedule.daily.intervalDays;
    occursOn = (day) => mod(day - anchor, interval) === 0;
  } else if (schedule.weekly) {
    const interval = schedule.weekly.intervalWeeks;
    const dow = parseWeekDay(schedule.weekly.dayOfWeek)!;
    occursOn = (day) => weekdayOf(day) === dow && mod(sundayWeekOf(day) - sundayWeekOf(anchor), interval) === 0;
  } else if (schedule.absoluteMonthly) {
    const { intervalMonths, dayOfMonth } = schedule.absoluteMonthly;
    const anchorMonth = monthIndexOf(civilDateOf(anchor));
    occursOn = (day) => {
      const date = civilDateOf(day);
      return mod(monthIndexOf(date) - anchorMonth, intervalMonths) === 0 && date.day === Math.min(dayOfMonth, daysInMonth(date.year, date.month));
    };
  } else {
    const relative = schedule.relativeMonthly!;
    const dow = parseWeekDay(relative.dayOfWeek)!;
    const weekIndex = parseWeekIndex(relative.weekIndex)!;
    const anchorMonth = monthIndexOf(civilDateOf(anchor));
    occursOn = (day) => {
      const date = civilDateOf(day);
      return mod(monthIndexOf(date) - anchorMonth, relative.intervalMonths) === 0 && weekdayOf(day) === dow && inWeek(date.day, daysInMonth(date.year, date.month), weekIndex);
    };
  }

  const blocked = (spec.notAllowedDates ?? []).map((span) => ({
    start: dayNumberOf(parseCivilDate(span.start)!) * MS_PER_DAY - offsetMs,
    end: (dayNumberOf(parseCivilDate(span.end)!) + 1) * MS_PER_DAY - offsetMs
  }));

  return { offsetMs, startOfDayMs: parseClockTime(spec.startTime)! * MS_PER_MINUTE, durationMs: spec.durationHours * MS_PER_HOUR, anchorDay, occursOn, blocked };
}

function inWeek(dayOfMonth: number, monthLength: number, index: WeekIndex): boolean {
  switch (index) {
    case "First": return dayOfMonth <= 7;
    case "Second": return dayOfMonth >= 8 && dayOfMonth <= 14;
    case "Third": return dayOfMonth >= 15 && dayOfMonth <= 21;
    case "Fourth": return dayOfMonth >= 22 && dayOfMonth <= 28;
    case "Last": return dayOfMonth + 7 > monthLength;
  }
}

/** Windows (UTC ms) in start order whose local opening day is `fromDay` or later; skips blocked ones. */
function* occurrences(window: CompiledWindow, fromDay: number, untilDay: number): Generator<{ start: number; end: number }> {
  for (let day = Math.max(fromDay, window.anchorDay ?? fromDay); day <= untilDay; day++) {
    if (!window.occursOn(day)) continue;
    const start = day * MS_PER_DAY + window.startOfDayMs - window.offsetMs;
    const end = start + window.durationMs;
    if (window.blocked.some((b) => start < b.end && b.start < end)) continue;
    yield { start, end };
  }
}

/** The local day on which a window opening `durationMs` before `utcMs` could have started (the earliest day to scan). */
function firstCandidateDay(window: CompiledWindow, utcMs: number): number {
  return Math.floor((utcMs + window.offsetMs - window.durationMs - window.startOfDayMs) / MS_PER_DAY) - 1;
}

function instant(input: string | Date, name: string): number {
  const ms = parseInstant(input);
  if (ms === undefined) throw new InvalidMaintenanceWindowError(name, `must be an ISO-8601 instant with a zone (got ${JSON.stringify(input)})`);
  return ms;
}

function toOccurrence(w: { start: number; end: number }): MaintenanceWindowOccurrence {
  return { start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() };
}

type WindowInput = MaintenanceWindowSpec | CompiledWindow;
function compiled(input: WindowInput): CompiledWindow {
  return "occursOn" in input ? input : compileMaintenanceWindow(input);
}

/**
 * The window to work in next, seen from `from`: the one in progress if `from` is inside a window,
 * otherwise the next to open. Undefined when none opens within three years (e.g. every occurrence blocked).
 */
export function nextWindow(spec: WindowInput, from: string | Date): MaintenanceWindowOccurrence | undefined {
  const window = compiled(spec);
  const at = instant(from, "from");
  const startDay = firstCandidateDay(window, at);
  for (const w of occurrences(window, startDay, startDay + SEARCH_HORIZON_DAYS)) {
    if (w.end > at) return toOccurrence(w);
  }
  return undefined;
}

/** The next window that opens strictly after `from` (ignores one in progress). */
export function nextWindowStart(spec: WindowInput, from: string | Date): MaintenanceWindowOccurrence | undefined {
  const window = compiled(spec);
  const at = instant(from, "from");
  const startDay = firstCandidateDay(window, at);
  for (const w of occurrences(window, startDay, startDay + SEARCH_HORIZON_DAYS)) {
    if (w.start > at) return toOccurrence(w);
  }
  return undefined;
}

/** The window `at` falls in (start inclusive, end exclusive), if any. */
export function windowContaining(spec: WindowInput, at: string | Date): MaintenanceWindowOccurrence | undefined {
  const window = compiled(spec);
  const t = instant(at, "at");
  const startDay = firstCandidateDay(window, t);
  for (const w of occurrences(window, startDay, startDay + 3)) {
    if (w.start <= t && t < w.end) return toOccurrence(w);
  }
  return undefined;
}

export function isInsideWindow(spec: WindowInput, at: string | Date): boolean {
  return windowContaining(spec, at) !== undefined;
}

/** Milliseconds left in the window containing `at` (0 outside a window): "may a new pool start now?" */
export function remainingInWindow(spec: WindowInput, at: string | Date): number {
  const w = windowContaining(spec, at);
  return w ? Date.parse(w.end) - instant(at, "at") : 0;
}

/** Every window that overlaps [from, to), in order. */
export function windowsBetween(spec: WindowInput, from: string | Date, to: string | Date): MaintenanceWindowOccurrence[] {
  const window = compiled(spec);
  const a = instant(from, "from");
  const b = instant(to, "to");
  if (b <= a) return [];
  const result: MaintenanceWindowOccurrence[] = [];
  for (const w of occurrences(window, firstCandidateDay(window, a), Math.ceil((b + window.offsetMs) / MS_PER_DAY) + 1)) {
    if (w.start >= b) break;
    if (w.end > a) result.push(toOccurrence(w));
  }
  return result;
}
