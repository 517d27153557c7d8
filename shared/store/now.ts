/** The slice of the project's Clock the store needs (local/clock.ts implements it; so does `{ now: Date.now }`). */
export interface NowSource {
  now(): number;
}

export function isoNow(clock: NowSource): string {
  return new Date(clock.now()).toISOString();
}
