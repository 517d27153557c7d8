import { WEEK_DAYS, parseCivilDate } from "./calendar";
import { isRecord } from "./json";

/**
 * The AKS planned-maintenance window (`maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule`,
 * `properties.maintenanceWindow`; `MaintenanceWindow` in @azure/arm-containerservice 25.x). Dates
 * are `yyyy-mm-dd` on the wire; the SDK hands them over as `Date`s at UTC midnight, so both are accepted.
 */
export interface MaintenanceWindowSpec {
  schedule: MaintenanceSchedule;
  /** 4 to 24 hours (API constraint). */
  durationHours: number;
  /** `+05:30`, `-08:00`; absent means `+00:00`. Applies to startDate, startTime and notAllowedDates. */
  utcOffset?: string;
  /** Local date from which the window is active, and from which intervals are counted. */
  startDate?: string | Date;
  /** Local `HH:mm`, `00:00`–`23:59`. */
  startTime: string;
  /** Local date ranges (inclusive) on which no maintenance may run. */
  notAllowedDates?: { start: string | Date; end: string | Date }[];
}

/** Exactly one of the four recurrences must be set (AKS rejects a schedule with none or several). */
export interface MaintenanceSchedule {
  daily?: { intervalDays: number };
  weekly?: { intervalWeeks: number; dayOfWeek: string };
  absoluteMonthly?: { intervalMonths: number; dayOfMonth: number };
  relativeMonthly?: { intervalMonths: number; weekIndex: string; dayOfWeek: string };
}

export const WEEK_INDEXES = ["First", "Second", "Third", "Fourth", "Last"] as const;
export type WeekIndex = (typeof WEEK_INDEXES)[number];

export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * Bounds from the ARM type definitions of `managedClusters/maintenanceConfigurations` (as published
 * in the Bicep type reference: intervalDays 1–7, intervalMonths 1–6, dayOfMonth 1–31) and the SDK's
 * field docs (durationHours 4–24, utcOffset `±HH:mm`, startTime `HH:mm`). intervalWeeks 1–4 is from
 * the same reference, not re-checked here.
 */
const LIMITS = { intervalDays: [1, 7], intervalWeeks: [1, 4], intervalMonths: [1, 6], dayOfMonth: [1, 31], durationHours: [4, 24] } as const;

/** Every problem with a window spec, each naming its field under `prefix` (for 400 answers). */
export function maintenanceWindowIssues(input: unknown, prefix = "maintenanceWindow"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string): void => {
    issues.push({ field: `${prefix}.${field}`, message });
  };
  if (!isRecord(input)) return [{ field: prefix, message: "must be an object with schedule, durationHours and startTime" }];

  if (!isIntIn(input.durationHours, LIMITS.durationHours)) add("durationHours", "must be a whole number of hours from 4 to 24");
  if (input.utcOffset !== undefined && parseUtcOffset(input.utcOffset) === undefined) add("utcOffset", "must look like +05:30 or -08:00 (hours ≤ 14, minutes < 60)");
  if (parseClockTime(input.startTime) === undefined) add("startTime", "must be HH:mm from 00:00 to 23:59");
  if (input.startDate !== undefined && parseCivilDate(input.startDate) === undefined) add("startDate", "must be a calendar date yyyy-mm-dd");
  if (input.notAllowedDates !== undefined) {
    if (!Array.isArray(input.notAllowedDates)) add("notAllowedDates", "must be a list of {start, end} dates");
    else input.notAllowedDates.forEach((span: unknown, i) => {
      const start = isRecord(span) ? parseCivilDate(span.start) : undefined;
      const end = isRecord(span) ? parseCivilDate(span.end) : undefined;
      if (!start) add(`notAllowedDates[${i}].start`, "must be a calendar date yyyy-mm-dd");
      if (!end) add(`notAllowedDates[${i}].end`, "must be a calendar date yyyy-mm-dd");
      if (start && end && Date.UTC(end.year, end.month - 1, end.day) < Date.UTC(start.year, start.month - 1, start.day)) {
        add(`notAllowedDates[${i}]`, "end must not be before start");
      }
    });
  }
  scheduleIssues(input.schedule, add);
  return issues;
}

function scheduleIssues(schedule: unknown, add: (field: string, message: string) => void): void {
  if (!isRecord(schedule)) {
    add("schedule", "must be an object with exactly one of daily, weekly, absoluteMonthly, relativeMonthly");
    return;
  }
  const kinds = (["daily", "weekly", "absoluteMonthly", "relativeMonthly"] as const).filter((k) => schedule[k] !== undefined && schedule[k] !== null);
  if (kinds.length !== 1) {
    add("schedule", `must set exactly one of daily, weekly, absoluteMonthly, relativeMonthly (found ${kinds.length ? kinds.join(", ") : "none"})`);
    return;
  }
  const kind = kinds[0]!;
  const body = schedule[kind];
  if (!isRecord(body)) {
    add(`schedule.${kind}`, "must be an object");
    return;
  }
  const check = (field: keyof typeof LIMITS): void => {
    const [min, max] = LIMITS[field];
    if (!isIntIn(body[field], LIMITS[field])) add(`schedule.${kind}.${field}`, `must be a whole number from ${min} to ${max}`);
  };
  if (kind === "daily") check("intervalDays");
  if (kind === "weekly") check("intervalWeeks");
  if (kind === "absoluteMonthly" || kind === "relativeMonthly") check("intervalMonths");
  if (kind === "absoluteMonthly") check("dayOfMonth");
  if ((kind === "weekly" || kind === "relativeMonthly") && parseWeekDay(body.dayOfWeek) === undefined) {
    add(`schedule.${kind}.dayOfWeek`, `must be one of ${WEEK_DAYS.join(", ")}`);
  }
  if (kind === "relativeMonthly" && parseWeekIndex(body.weekIndex) === undefined) {
    add(`schedule.${kind}.weekIndex`, `must be one of ${WEEK_INDEXES.join(", ")}`);
  }
}

/** Minutes east of UTC for `+05:30` / `-08:00`; AKS documents `+/-HH:mm`. */
export function parseUtcOffset(input: unknown): number | undefined {
  if (typeof input !== "string") return undefined;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(input);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/** Minutes after local midnight for `HH:mm`. */
export function parseClockTime(input: unknown): number | undefined {
  if (typeof input !== "string") return undefined;
  const m = /^(\d{2}):(\d{2})$/.exec(input);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : undefined;
}

/** 0 = Sunday … 6 = Saturday; the names are AKS's `WeekDay` values, matched case-insensitively. */
export function parseWeekDay(input: unknown): number | undefined {
  if (typeof input !== "string") return undefined;
  const i = WEEK_DAYS.findIndex((d) => d.toLowerCase() === input.toLowerCase());
  return i < 0 ? undefined : i;
}

export function parseWeekIndex(input: unknown): WeekIndex | undefined {
  if (typeof input !== "string") return undefined;
  return WEEK_INDEXES.find((w) => w.toLowerCase() === input.toLowerCase());
}

/** The window of a maintenance configuration, from the SDK (flattened) or the wire (`properties`) shape. */
export function maintenanceWindowOf(configuration: {
  maintenanceWindow?: MaintenanceWindowSpec;
  properties?: { maintenanceWindow?: MaintenanceWindowSpec };
} | undefined): MaintenanceWindowSpec | undefined {
  return configuration?.maintenanceWindow ?? configuration?.properties?.maintenanceWindow;
}

function isIntIn(value: unknown, [min, max]: readonly [number, number]): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
