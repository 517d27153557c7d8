/**
 * Resource events about one cluster's governance subject (its diagnostic settings, its resource
 * group's budget), coalesced (issue 24 item 9): the first event starts this orchestration under
 * `governance-review:{cluster}:{subject}`; it waits out the review window on a durable timer (custom
 * status `waiting`), so every event of that subject arriving meanwhile finds it and adds nothing,
 * then reviews the subject once against ARM (custom status `reviewing`). An event that arrives while
 * the review reads ARM may carry a write newer than what it read: the event handler raises
 * `reviewRequested` then, and the review runs one more round (continueAsNew). A storm of N events
 * about one subject costs one review per window instead of N. Throttled reads wait on durable timers
 * (`call`); a review that fails for good is reported in the output and left to the next sweep.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames, EventNames } from "../names";
import { ActivityFailedError, call } from "../engine/call";
import { timerAfter } from "../common/time";

export type GovernanceReviewSubject = "diagnostics" | "budget";

export interface GovernanceReviewInput {
  clusterId: string;
  subject: GovernanceReviewSubject;
  /** The event that opened this round (the trigger of a remediation it starts). */
  eventId: string;
  windowMs: number;
  /** Rounds this instance ran before this one (continueAsNew). */
  rounds?: number;
}

/** What `reviewGovernanceSubject` answers. */
export interface GovernanceSubjectReview {
  clusterId: string;
  subject: GovernanceReviewSubject;
  failing: string[];
  operationId?: string;
  outcome?: string;
  /** The cluster left the registry before its review. */
  gone?: boolean;
}

export type GovernanceReviewPhase = "waiting" | "reviewing";

export interface GovernanceReviewResult {
  rounds: number;
  review?: GovernanceSubjectReview;
  error?: string;
}

export function* governanceReviewOrchestrator(context: OrchestrationContext): Generator<Task, GovernanceReviewResult, unknown> {
  const input = context.df.getInput<GovernanceReviewInput>();
  const rounds = (input.rounds ?? 0) + 1;
  context.df.setCustomStatus({ phase: "waiting" satisfies GovernanceReviewPhase, rounds });
  if (input.windowMs > 0) yield timerAfter(context, input.windowMs);
  context.df.setCustomStatus({ phase: "reviewing" satisfies GovernanceReviewPhase, rounds });
  let result: GovernanceReviewResult;
  try {
    result = { rounds, review: yield* call(context, ActivityNames.reviewGovernanceSubject, { clusterId: input.clusterId, subject: input.subject, eventId: input.eventId }) };
  } catch (err) {
    if (!(err instanceof ActivityFailedError)) throw err;
    result = { rounds, error: `${err.failure.code}: ${err.failure.message}` };
  }
  // A request raised while the review ran (raised events wait for their waiter): one more round.
  const late = context.df.waitForExternalEvent(EventNames.reviewRequested);
  const none = context.df.createTimer(context.df.currentUtcDateTime);
  const first = yield context.df.Task.any([late, none]);
  if (first === late) {
    const eventId = (late.result as { eventId?: unknown } | undefined)?.eventId;
    context.df.continueAsNew({ ...input, eventId: typeof eventId === "string" ? eventId : input.eventId, rounds } satisfies GovernanceReviewInput);
  }
  return result;
}
