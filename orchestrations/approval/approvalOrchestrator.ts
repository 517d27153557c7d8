import type { OrchestrationContext, Task } from "durable-functions";
import { call } from "../engine/call";
import { ActivityNames, EventNames } from "../names";
import type { ApprovalDecision, ApprovalInput, ApprovalOutcome } from "../common/contracts";
import { postToTeams } from "../common/teams";
import { coversWholeOperation } from "../common/contracts";

export type { ApprovalInput } from "../common/contracts";

export interface ApprovalRequestCreated {
  /** The signed token the links carry (the card builder makes the links from it). */
  token: string;
  approveUrl: string;
  rejectUrl: string;
  deadline: string;
}

/**
 * Asks a person in Teams and races their decision against the deadline. The card only carries
 * links (a webhook card cannot post back); the decision arrives as an external event raised by
 * `POST /api/approvals/{token}`, which also records it once. On timeout the policy either rejects,
 * or escalates once to the second channel with a fresh deadline and then rejects.
 */
export function* approvalOrchestrator(context: OrchestrationContext): Generator<Task, ApprovalOutcome, unknown> {
  const input = context.df.getInput<ApprovalInput>();
  let escalated = false;

  for (let round = 0; ; round++) {
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + input.timeoutMinutes * 60_000);
    const request = yield* call(context, ActivityNames.createApprovalRequest, {
      operationId: input.operationId,
      clusterId: input.clusterId,
      approvalInstanceId: context.df.instanceId,
      step: input.step,
      scope: input.scope,
      round,
      deadline: deadline.toISOString()
    });

    // A Teams outage must not turn into an unapproved upgrade: keep trying until the deadline.
    yield* postToTeams(
      context,
      {
        kind: round === 0 ? "approvalRequest" : "approvalEscalation",
        channel: round === 0 ? "default" : "escalation",
        payload: { ...input, token: request.token, approveUrl: request.approveUrl, rejectUrl: request.rejectUrl, deadline: request.deadline, round }
      },
      deadline
    );

    // Each wait races a fresh event task against a fresh timer for the same deadline: a task
    // listed again in a Task.any is scheduled again on Azure (durable-js #574).
    for (;;) {
      const decisionEvent = context.df.waitForExternalEvent(EventNames.approvalDecision);
      const deadlineTimer = context.df.createTimer(deadline);
      const winner = (yield context.df.Task.any([decisionEvent, deadlineTimer])) as Task;
      if (winner !== decisionEvent) break;
      deadlineTimer.cancel();
      const decision = decisionEvent.result as ApprovalDecision;
      // Only a decision the decision endpoint recorded under this request's token counts.
      const verified = yield* call(context, ActivityNames.verifyApprovalDecision, {
        operationId: input.operationId, clusterId: input.clusterId, approvalInstanceId: context.df.instanceId,
        step: coversWholeOperation(input.scope) ? -1 : input.step.index, decision
      });
      if (verified.accepted) return { outcome: decision.decision === "approve" ? "approved" : "rejected", decision };
    }
    const escalate = input.onTimeout === "escalate" && !escalated;
    // The platform's own entry in the approvals record: nobody decided by the deadline.
    yield* call(context, ActivityNames.updateOperation, {
      clusterId: input.clusterId, operationId: input.operationId, at: deadline.toISOString(),
      approval: {
        step: coversWholeOperation(input.scope) ? -1 : input.step.index, decision: escalate ? "escalated" : "expired", approver: "platform", at: deadline.toISOString(),
        comment: escalate ? "no decision by the deadline: asked the escalation channel" : "no decision by the deadline"
      }
    });
    if (escalate) {
      escalated = true;
      continue;
    }
    return { outcome: "expired", escalated, deadline: deadline.toISOString() };
  }
}
