import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import { NOTIFY_WINDOW_MS } from "../engine/runOperation";
import { retryTeamsDelivery, type TeamsMessageRequest } from "./teams";

/**
 * One Teams message posted from outside an orchestration (the cancel route: the operation's own
 * orchestration was terminated and cannot post its end). Best effort like every summary: an hour
 * of retries on durable timers, then the record speaks alone. Answers whether it was delivered.
 */
export function* operationNoticeOrchestrator(context: OrchestrationContext): Generator<Task, boolean, unknown> {
  const message = context.df.getInput<TeamsMessageRequest>();
  return yield* retryTeamsDelivery(context, ActivityNames.postTeamsMessage, message, new Date(context.df.currentUtcDateTime.getTime() + NOTIFY_WINDOW_MS));
}
