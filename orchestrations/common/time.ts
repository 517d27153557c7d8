import type { OrchestrationContext, TimerTask } from "durable-functions";

/** A durable timer `ms` after the orchestration's current (replay-safe) time. */
export function timerAfter(context: OrchestrationContext, ms: number): TimerTask {
  return context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ms));
}

export function nowIso(context: OrchestrationContext): string {
  return context.df.currentUtcDateTime.toISOString();
}

/** Exponential backoff: base × 2^attempt, capped. Deterministic (no jitter: randomness is not allowed here). */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}
