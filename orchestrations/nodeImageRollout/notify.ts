import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import { retryTeamsDelivery } from "../common/teams";
import type { SummaryRequest } from "./contracts";

/** Summaries are best effort after the fact: an hour of retries, then the records speak alone. */
const NOTIFY_WINDOW_MS = 3600_000;

/**
 * Posts a ring or rollout summary to Teams. The activity builds the card from the Cosmos records
 * (so the card can list every cluster without the list crossing the durable boundary) and makes
 * one attempt; a throttled or failing webhook is retried here on durable timers, honouring
 * Retry-After, by the same loop as the other cards (`common/teams.ts`).
 */
export function postSummary(context: OrchestrationContext, request: SummaryRequest): Generator<Task, boolean, unknown> {
  const giveUpAt = new Date(context.df.currentUtcDateTime.getTime() + NOTIFY_WINDOW_MS);
  return retryTeamsDelivery(context, ActivityNames.postNodeImageSummary, request, giveUpAt);
}
