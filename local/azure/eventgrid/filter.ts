/**
 * An event subscription's filter, as Event Grid applies it
 * (https://learn.microsoft.com/azure/event-grid/event-filtering):
 * - `includedEventTypes` absent or empty means all event types; event types compare case-insensitively;
 * - `subjectBeginsWith` / `subjectEndsWith` are literal prefix/suffix matches, case-insensitive unless
 *   `isSubjectCaseSensitive` is true.
 * Advanced filters are not simulated: a subscription that sets them is rejected at PUT time rather
 * than silently matching everything (see validateFilter).
 */

export interface SubscriptionFilter {
  includedEventTypes?: string[] | null;
  subjectBeginsWith?: string | null;
  subjectEndsWith?: string | null;
  isSubjectCaseSensitive?: boolean | null;
  advancedFilters?: unknown[] | null;
}

export function matchesFilter(filter: SubscriptionFilter | undefined, event: { eventType: string; subject: string }): boolean {
  if (!filter) return true;
  const types = filter.includedEventTypes ?? [];
  if (types.length > 0 && !types.some((t) => t.toLowerCase() === event.eventType.toLowerCase())) return false;
  const caseSensitive = filter.isSubjectCaseSensitive === true;
  const norm = (s: string): string => (caseSensitive ? s : s.toLowerCase());
  const subject = norm(event.subject);
  if (filter.subjectBeginsWith && !subject.startsWith(norm(filter.subjectBeginsWith))) return false;
  if (filter.subjectEndsWith && !subject.endsWith(norm(filter.subjectEndsWith))) return false;
  return true;
}

/** Problems with a filter the simulator cannot honour, as messages for a 400. */
export function validateFilter(filter: unknown): string[] {
  if (filter === undefined || filter === null) return [];
  if (typeof filter !== "object" || Array.isArray(filter)) return ["properties.filter must be an object"];
  const f = filter as Record<string, unknown>;
  const problems: string[] = [];
  const types = f["includedEventTypes"];
  if (types !== undefined && types !== null && (!Array.isArray(types) || types.some((t) => typeof t !== "string"))) {
    problems.push("properties.filter.includedEventTypes must be an array of strings");
  }
  for (const key of ["subjectBeginsWith", "subjectEndsWith"]) {
    const v = f[key];
    if (v !== undefined && v !== null && typeof v !== "string") problems.push(`properties.filter.${key} must be a string`);
  }
  const advanced = f["advancedFilters"];
  if (Array.isArray(advanced) && advanced.length > 0) {
    problems.push("properties.filter.advancedFilters is not supported by the local simulator");
  }
  return problems;
}
