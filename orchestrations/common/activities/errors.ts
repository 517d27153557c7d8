import { failureOf, isRetryable, type Failure } from "../../../shared/domain/failures";

/** AKS's answer while another operation runs on the cluster (409 OperationNotAllowed): wait and retry, not fail. */
export function isOperationConflict(failure: Failure): boolean {
  return failure.kind === "conflict";
}

/**
 * An ARM call that failed in a way retrying the same request will not fix (400 validation, 404,
 * 403). Marked permanent so nothing retries it blindly; carries cluster, step and ARM's error.
 */
export class PermanentArmError extends Error {
  override readonly name = "PermanentArmError";
  readonly permanent = true as const;

  constructor(readonly clusterId: string, readonly action: string, readonly failure: Failure) {
    super(`${action} on cluster ${clusterId} failed${failure.status ? ` (HTTP ${failure.status})` : ""}: ${failure.code}: ${failure.message}`);
  }
}

/**
 * What an activity does with an ARM call's failure: throttling, 5xx and dropped connections are
 * thrown as they are (the engine's `call` retries them on durable timers); anything else becomes a
 * `PermanentArmError` naming the cluster and what was being done.
 */
export function permanentUnlessRetryable(err: unknown, clusterId: string, action: string): never {
  const failure = failureOf(err);
  if (isRetryable(failure)) throw err;
  throw new PermanentArmError(clusterId, action, failure);
}

/** A record an activity needs is missing: the operation or cluster was deleted under it. */
export class MissingRecordError extends Error {
  override readonly name = "MissingRecordError";
  readonly permanent = true as const;

  constructor(readonly kind: "cluster" | "operation", readonly id: string, readonly clusterId: string) {
    super(`No ${kind} record ${id}${kind === "operation" ? ` for cluster ${clusterId}` : ""}`);
  }
}

/** An operator cancelled the operation: an approval asked for after that is not sent. */
export class OperationCancelledError extends Error {
  override readonly name = "OperationCancelledError";
  readonly permanent = true as const;
  readonly code = "OperationCancelled";

  constructor(readonly operationId: string, readonly by: string) {
    super(`Operation ${operationId} was cancelled by ${by}: no approval is asked for`);
  }
}
