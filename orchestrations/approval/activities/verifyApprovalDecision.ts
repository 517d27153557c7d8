import type { ApprovalDecision } from "../../common/contracts";
import { MissingRecordError } from "../../common/activities/errors";
import { isoAt, type ActivityClock, type StorePort } from "../../common/activities/ports";
import { isNotFound } from "../../../shared/domain/failures";
import { coversWholeOperation } from "../../common/contracts";

export interface VerifyApprovalDecisionInput {
  operationId: string;
  clusterId: string;
  approvalInstanceId: string;
  /** The step index the request was for, or -1 for the whole plan. */
  step: number;
  decision: ApprovalDecision;
}

export type VerifiedDecision = { accepted: true } | { accepted: false; reason: string };

export interface VerifyApprovalDecisionDeps {
  store: Pick<StorePort, "operations">;
  clock: ActivityClock;
}

/**
 * Defence in depth: a decision event counts only if the decision endpoint recorded that same
 * decision under the request's token (this approval instance, its nonce, the same step and
 * verdict). Anything else, e.g. an event raised through the durable API with the master key, is
 * recorded as ignored, with the reason, and changes nothing. Re-running it records nothing twice.
 */
export function createVerifyApprovalDecisionActivity(deps: VerifyApprovalDecisionDeps): (input: VerifyApprovalDecisionInput) => Promise<VerifiedDecision> {
  return async (input) => {
    const wanted = input.decision.decision === "approve" ? "Approved" : "Rejected";
    let verdict: VerifiedDecision = { accepted: false, reason: "" };
    try {
      await deps.store.operations.mutate(input.clusterId, input.operationId, (op) => {
        const request = op.approvalRequests?.find((r) => r.approvalInstanceId === input.approvalInstanceId && typeof input.decision.nonce === "string" && r.nonce === input.decision.nonce);
        const step = coversWholeOperation(request?.scope) ? -1 : request?.step;
        if (request && request.status === wanted && step === input.step) {
          verdict = { accepted: true };
          return undefined;
        }
        const reason = !request
          ? "no approval request of this approval carries the event's token"
          : request.status === "Pending" ? "the request is still pending: no decision was recorded through its link"
            : step !== input.step ? `the request was for ${stepName(step)}, not ${stepName(input.step)}`
              : `the recorded decision is ${request.status.toLowerCase()}, the event said ${input.decision.decision}`;
        verdict = { accepted: false, reason };
        const comment = `decision event ignored: ${reason}`;
        if (op.approvals.some((a) => a.ignored && a.comment === comment && a.at === input.decision.at)) return undefined;
        return {
          ...op,
          approvals: [...op.approvals, {
            step: input.step, decision: input.decision.decision, approver: String(input.decision.approver).slice(0, 200),
            at: isoAt(deps.clock), comment, ignored: true
          }]
        };
      });
    } catch (err) {
      if (isNotFound(err)) throw new MissingRecordError("operation", input.operationId, input.clusterId);
      throw err;
    }
    return verdict;
  };
}

/** How a person reads an approval's step: 1-based, or the whole upgrade (-1, `oncePerUpgrade`). */
function stepName(step: number | undefined): string {
  if (step === undefined) return "step ?";
  return step < 0 ? "the whole upgrade" : `step ${step + 1}`;
}
