/** ISO 8601 durations as Azure Monitor uses them (`PT1M`, `PT1H`, `P1D`, `P7DT12H`). */
export class InvalidDurationError extends Error {
  override readonly name = "InvalidDurationError";
  constructor(readonly value: string) {
    super(`"${value}" is not an ISO 8601 duration such as PT1M, PT1H or P1D`);
  }
}

export function parseIsoDuration(value: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(value.trim());
  if (!m || value.trim().toUpperCase() === "P" || value.trim().toUpperCase().endsWith("T")) throw new InvalidDurationError(value);
  const [, w, d, h, min, s] = m;
  const ms = ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 * 3600 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  if (ms <= 0) throw new InvalidDurationError(value);
  return ms;
}
