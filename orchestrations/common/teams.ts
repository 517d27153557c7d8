import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { ActivityNames } from "../names";
import type { ActivityInput } from "../activities";
import { timerAfter } from "./time";
import { backoffDelayMs, mayRetry, teamsRetry } from "../engine/retry";

/** The activities that make one Teams post attempt and answer a TeamsDelivery. */
export type TeamsPostActivity = typeof ActivityNames.postTeamsMessage | typeof ActivityNames.postNodeImageSummary;

export interface TeamsMessageRequest {
  /**
   * Which card to build (the activity builds it from this data). `upgradeFailed` and
   * `upgradeSummary` are the names instances started before the rename still send (deprecated:
   * read as `operationFailed` and `operationSummary`).
   */
  kind: "approvalRequest" | "operationFailed" | "operationSummary" | "supportEnding" | "approvalEscalation" | "operationCancelled" | "upgradeFailed" | "upgradeSummary";
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
    if (result.permanent) return false;
    const wait = Math.max(result.retryAfterMs ?? 0, backoffDelayMs(teamsRetry, attempt));
    const nowMs = context.df.currentUtcDateTime.getTime();
    if (!mayRetry(teamsRetry, attempt, { firstAtMs: nowMs, nowMs, delayMs: wait, deadlineMs: giveUpAt.getTime() })) return false;
    yield timerAfter(context, wait);
  }
}
