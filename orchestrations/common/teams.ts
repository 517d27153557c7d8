import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { ActivityNames } from "../names";
import type { ActivityInput } from "../activities";

/** The activities that make one Teams post attempt and answer a TeamsDelivery. */
export type TeamsPostActivity = typeof ActivityNames.postTeamsMessage | typeof ActivityNames.postNodeImageSummary;
import { backoffMs, timerAfter } from "./time";

export interface TeamsMessageRequest {
  /** Which card to build (the activity builds it from this data). */
  kind: "approvalRequest" | "upgradeFailed" | "upgradeSummary" | "supportEnding" | "approvalEscalation" | "operationCancelled";
  /** `default` is TEAMS_WEBHOOK_URL; `escalation` the policy's escalation webhook. */
  channel: "default" | "escalation";
  payload: Record<string, unknown>;
}

/**
 * Posts a message to Teams, retrying a throttled or failing webhook with durable timers (honouring
 * Retry-After) until it is delivered or `giveUpAt` passes. Returns whether it was delivered.
 */
export function postToTeams(
  context: OrchestrationContext,
  message: TeamsMessageRequest,
  giveUpAt: Date
): Generator<Task, boolean, unknown> {
  return retryTeamsDelivery(context, ActivityNames.postTeamsMessage, message, giveUpAt);
}

/**
 * The durable retry loop behind every Teams post: `activity` makes one attempt (activities stay
 * short) and answers a `TeamsDelivery`; the waiting between attempts is done here on timers.
 */
export function* retryTeamsDelivery(
  context: OrchestrationContext,
  activity: TeamsPostActivity,
  input: ActivityInput<TeamsPostActivity>,
  giveUpAt: Date
): Generator<Task, boolean, unknown> {
  for (let attempt = 0; ; attempt++) {
    const result = yield* call(context, activity, input);
    if (result.delivered) return true;
    const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(attempt, 10_000, 10 * 60_000));
    if (context.df.currentUtcDateTime.getTime() + wait >= giveUpAt.getTime()) return false;
    yield timerAfter(context, wait);
  }
}
