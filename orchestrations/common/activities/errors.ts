/** What an ARM call answered when it failed: HTTP status and ARM's error code and message. */
export interface ArmFailure {
  status?: number;
  code: string;
  message: string;
}

/**
 * Normalises what the Azure SDK throws (`RestError`: `statusCode`, `code` from ARM's error
 * envelope `{"error":{"code","message"}}`) and anything else.
 */
export function armFailureOf(err: unknown): ArmFailure {
  if (typeof err === "object" && err !== null) {
    const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; details?: unknown };
    const details = e.details as { error?: { code?: unknown; message?: unknown } } | undefined;
    const code = typeof details?.error?.code === "string" ? details.error.code : typeof e.code === "string" ? e.code : "Unknown";
    const message = typeof details?.error?.message === "string" ? details.error.message : typeof e.message === "string" ? e.message : JSON.stringify(err);
    return { ...(typeof e.statusCode === "number" ? { status: e.statusCode } : {}), code, message };
  }
  return { code: "Unknown", message: String(err) };
}

/** AKS's answer while another operation runs on the cluster (409 OperationNotAllowed): wait and retry, not fail. */
export function isOperationConflict(failure: ArmFailure): boolean {
  return failure.status === 409 || (failure.code === "OperationNotAllowed" && /in progress/i.test(failure.message));
}

/**
 * An ARM call that failed in a way retrying the same request will not fix (400 validation, 404,
 * 403). Marked permanent so nothing retries it blindly; carries cluster, step and ARM's error.
 */
export class PermanentArmError extends Error {
  override readonly name = "PermanentArmError";
  readonly permanent = true as const;

  constructor(readonly clusterId: string, readonly action: string, readonly failure: ArmFailure) {
    super(`${action} on cluster ${clusterId} failed${failure.status ? ` (HTTP ${failure.status})` : ""}: ${failure.code}: ${failure.message}`);
  }
}

/** A record an activity needs is missing: the operation or cluster was deleted under it. */
export class MissingRecordError extends Error {
  override readonly name = "MissingRecordError";
  readonly permanent = true as const;

  constructor(readonly kind: "cluster" | "operation", readonly id: string, readonly clusterId: string) {
    super(`No ${kind} record ${id}${kind === "operation" ? ` for cluster ${clusterId}` : ""}`);
  }
}
