/**
 * The timer extension's schedule monitor state (`ScheduleStatus`: Last, Next, LastUpdated), which
 * Azure keeps in blob storage (`timers/<host>/<function>/status`) and the local host keeps in
 * `<dataDir>/timers/<function>.json`, so a restarted host knows when a timer last ran.
 */
import fs from "node:fs";
import path from "node:path";

/** .NET `default(DateTime)`, which the extension reports for "never". */
export const NEVER = "0001-01-01T00:00:00";

export interface ScheduleStatus {
  /** ISO times; `NEVER` before the first run. */
  last: string;
  next: string;
  lastUpdated: string;
}

export class ScheduleStatusStore {
  constructor(private readonly dir: string) {}

  private file(functionName: string): string {
    return path.join(this.dir, `${functionName.replace(/[^\w.-]/g, "_")}.json`);
  }

  read(functionName: string): ScheduleStatus | undefined {
    const file = this.file(functionName);
    if (!fs.existsSync(file)) return undefined;
    try {
      const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ScheduleStatus>;
      if (typeof parsed.last === "string" && typeof parsed.next === "string" && typeof parsed.lastUpdated === "string") {
        return { last: parsed.last, next: parsed.next, lastUpdated: parsed.lastUpdated };
      }
    } catch {
      // A torn or corrupt status file is treated like a missing one, as GetSafeStatusAsync does.
    }
    return undefined;
  }

  write(functionName: string, status: ScheduleStatus): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.file(functionName);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(status, null, 2));
    fs.renameSync(tmp, file);
  }
}

export function toTime(iso: string): number {
  return iso === NEVER ? Number.NEGATIVE_INFINITY : new Date(iso).getTime();
}
