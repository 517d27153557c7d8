import type { StepView } from "../../common/contracts";
import type { ApprovalRequestCreated } from "../approvalOrchestrator";
import { signApprovalToken } from "../../../shared/approvals/token";
import { approvalLinks } from "../../../shared/teams/cards";
import { MissingRecordError, OperationCancelledError } from "../../common/activities/errors";
import { isoAt, type ActivityClock, type StorePort } from "../../common/activities/ports";
import { isNotFound } from "../../../shared/domain/failures";
import type { ApprovalScope } from "../../common/contracts";

export interface CreateApprovalRequestInput {
  operationId: string;
  clusterId: string;
  approvalInstanceId: string;
  step: StepView;
  scope: ApprovalScope;
  round: number;
  deadline: string;
}

export interface CreateApprovalRequestDeps {
  store: Pick<StorePort, "operations">;
  signingKey: string;
  publicBaseUrl: string;
  clock: ActivityClock;
  /** Random per card (crypto.randomUUID in the app); the activity is where randomness belongs. */
  nonce: () => string;
}

/**
 * Signs the approval token (approval instance, step, expiry = deadline, nonce) and records the
 * pending request on the operation, which is what makes the link single-use: the decision
 * endpoint flips it from Pending exactly once. A re-run finds its request and reuses the nonce,
 * so it returns the same token rather than minting a second valid link.
 */
export function createCreateApprovalRequestActivity(deps: CreateApprovalRequestDeps): (input: CreateApprovalRequestInput) => Promise<ApprovalRequestCreated> {
  return async (input) => {
    let nonce = deps.nonce();
    try {
      await deps.store.operations.mutate(input.clusterId, input.operationId, (op) => {
        // Cancelled while this approval was being scheduled: no card, no link (the instance fails, nobody waits for it).
        if (op.cancellation) throw new OperationCancelledError(input.operationId, op.cancellation.by);
        const existing = op.approvalRequests?.find((r) => r.approvalInstanceId === input.approvalInstanceId && r.round === input.round);
        if (existing) {
          nonce = existing.nonce;
          return undefined;
        }
        return {
          ...op,
          approvalRequests: [...(op.approvalRequests ?? []), {
            approvalInstanceId: input.approvalInstanceId, step: input.step.index, scope: input.scope, round: input.round,
            nonce, deadline: input.deadline, requestedAt: isoAt(deps.clock), status: "Pending"
          }]
        };
      });
    } catch (err) {
      if (isNotFound(err)) throw new MissingRecordError("operation", input.operationId, input.clusterId);
      throw err;
    }
    const token = signApprovalToken({ instanceId: input.approvalInstanceId, step: input.step.index, expiresAt: input.deadline, nonce }, deps.signingKey);
    const links = approvalLinks(deps.publicBaseUrl, token);
    return { token, approveUrl: links.approve, rejectUrl: links.reject, deadline: input.deadline };
  };
}
