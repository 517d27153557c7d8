/** Host log lines: every line from an invocation carries function name, invocation id and any logContext (e.g. instanceId). */
import { redactSecrets } from "./redact";

export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";

export interface LogEntry {
  level: LogLevel;
  category: string;
  message: string;
  context?: Record<string, string>;
}

export type HostLogger = (entry: LogEntry) => void;

/** The entry with its message and context passed through `redactSecrets` (keys, signatures, tokens). */
export function redactEntry(entry: LogEntry): LogEntry {
  return {
    ...entry,
    message: redactSecrets(entry.message),
    ...(entry.context ? { context: Object.fromEntries(Object.entries(entry.context).map(([k, v]) => [k, redactSecrets(v)])) } : {})
  };
}

/** Every logger the host is given is wrapped in this: no entry reaches it unredacted. */
export function redactingLogger(logger: HostLogger): HostLogger {
  return (entry) => logger(redactEntry(entry));
}

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5, none: 6 };

/** Prints like `func start`: `[time] message` plus the context, from `minLevel` up. */
export function consoleLogger(now: () => number, minLevel: LogLevel = "information"): HostLogger {
  return (raw) => {
    if (RANK[raw.level] < RANK[minLevel] || raw.level === "none") return;
    const entry = redactEntry(raw);
    const ctx = entry.context ? Object.entries(entry.context).map(([k, v]) => `${k}=${v}`).join(" ") : "";
    const line = `[${new Date(now()).toISOString()}] ${entry.message}${ctx ? ` (${ctx})` : ""}`;
    if (RANK[entry.level] >= RANK.warning) console.error(line);
    else console.log(line);
  };
}

/** Keeps entries in memory (tests read them). */
export class MemoryLogger {
  readonly entries: LogEntry[] = [];
  readonly log: HostLogger = (entry) => { this.entries.push(redactEntry(entry)); };
}
