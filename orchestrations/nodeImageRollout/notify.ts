import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import type { TeamsDelivery } from "../common/contracts";
import { backoffMs, timerAfter } from "../common/time";
import type { SummaryRequest } from "./contracts";

/** Summaries are best effort after the fact: an hour of retries, then the records speak alone. */
const NOTIFY_WINDOW_MS = 3600_000;

/**
 * Posts a ring or rollout summary to Teams. The activity builds the card from the Cosmos records
 * (so the card can list every cluster without the list crossing the durable boundary) and makes
 * one attempt; a throttled or failing webhook is retried here on durable timers, honouring
 * Retry-After, as `common/teams.ts` does for the other cards.
 */
export function* postSummary(context: OrchestrationContext, request: SummaryRequest): Generator<Task, boolean, unknown> {
  const giveUpAt = context.df.currentUtcDateTime.getTime() + NOTIFY_WINDOW_MS;
  for (let attempt = 0; ; attempt++) {
    const result = (yield context.df.callActivity(ActivityNames.postNodeImageSummary, request)) as TeamsDelivery;
    if (result.delivered) return true;
    const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(attempt, 10_000, 10 * 60_000));
    if (context.df.currentUtcDateTime.getTime() + wait >= giveUpAt) return false;
    yield timerAfter(context, wait);
  }
}
