/** A parsed JSON object (not null, not an array): the one guard for untyped input (request bodies, stored policy, ARM bodies). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
