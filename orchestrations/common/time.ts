import type { OrchestrationContext, TimerTask } from "durable-functions";

/** A durable timer `ms` after the orchestration's current (replay-safe) time. */
export function timerAfter(context: OrchestrationContext, ms: number): TimerTask {
  return context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ms));
}

export function nowIso(context: OrchestrationContext): string {
  return context.df.currentUtcDateTime.toISOString();
}
