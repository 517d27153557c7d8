/**
 * The one place instances are started (issue 25 item 1). Every trigger (HTTP, Event Grid, timers,
 * the rollout, the cancel route) validates, calls one of these two, and answers:
 *
 * - `startOperation`: an operation with a record (a Kubernetes upgrade, an adoption, a provisioning,
 *   a governance remediation). One rule set for all of them:
 *   1. The record is created first, `Pending`, under the operation id, which is also the first
 *      instance id: the create is the atomic check, so a duplicate trigger finds it and starts
 *      nothing, and the API shows the operation at once.
 *   2. A record whose instance never started (the trigger died between the two writes) is started
 *      now, once.
 *   3. A record that has ended is run again as the same operation only when the trigger asks for it
 *      (`rerunFrom` names the ended statuses it may run again from), under `<operationId>:run-<n>`;
 *      the record's ETag lets one of two racing re-runs claim it. The flow's planner skips steps
 *      already Succeeded, so a re-run resumes.
 *   4. Anything else is `exists`, with the record's status.
 * - `startInstance`: an instance without an operation record of its own (a weekly rollout, a daily
 *   catch-up, a sweep minute, a coalesced review, a notice), started once per instance id.
 *
 * Both treat the extension's refusal of a second start of a running instance id (HTTP 409, thrown by
 * the SDK: https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-instance-management#start-instances)
 * as "already started" when the instance is then found, never as a failure.
 */
import type { DurableClient } from "durable-functions";
import { DuplicateError, isoNow, terminalOperationStatuses, type NowSource, type OperationRecord, type OperationStatus, type Store } from "../shared/store";
import { isInstanceEnded, instanceRuntimeStatus } from "./common/instanceStatus";
import type { OrchestratorNames } from "./names";

export type StartClient = Pick<DurableClient, "startNew" | "getStatus">;
export type OrchestratorName = (typeof OrchestratorNames)[keyof typeof OrchestratorNames];



export type InstanceStart = { started: true; instanceId: string } | { started: false; instanceId: string; status: string };

/**
 * Starts `orchestrator` under `instanceId` unless an instance with that id exists (in any state, or
 * with `restartFinished`, one still running or pending).
 */
export async function startInstance(
  client: StartClient, orchestrator: OrchestratorName, instanceId: string, input: unknown, options: { restartFinished?: boolean } = {}
): Promise<InstanceStart> {
  const status = await instanceRuntimeStatus(client, instanceId);
  if (status !== undefined && !(options.restartFinished && isInstanceEnded(status))) return { started: false, instanceId, status };
  try {
    await client.startNew(orchestrator, { instanceId, input });
    return { started: true, instanceId };
  } catch (err) {
    const now = await instanceRuntimeStatus(client, instanceId);
    if (now !== undefined && !isInstanceEnded(now)) return { started: false, instanceId, status: now };
    throw err;
  }
}

export interface OperationStartRequest<I> {
  orchestrator: OrchestratorName;
  /** The record to create: its `id` is the operation id and the first instance id. */
  record: OperationRecord;
  /** The instance's input; `rerun` is true for a `:run-<n>` instance of an ended operation. */
  input: (run: { instanceId: string; rerun: boolean }) => I;
  /** The ended statuses this trigger runs the operation again from; none (the default): never. */
  rerunFrom?: readonly OperationStatus[];
  /** What a re-run replaces on the record besides its run fields (a governance re-run's fresh steps). */
  rerunPatch?: Partial<Pick<OperationRecord, "steps" | "plan">>;
}

export type OperationStart =
  | { outcome: "started" | "rerun"; operationId: string; instanceId: string }
  | { outcome: "exists"; operationId: string; instanceId: string; status: OperationStatus };

export interface StartDeps {
  store: Pick<Store, "operations">;
  clock: NowSource;
}

/** Starts (or finds) one operation by the rules of the module comment. */
export async function startOperation<I>(deps: StartDeps, client: StartClient, request: OperationStartRequest<I>): Promise<OperationStart> {
  const { record } = request;
  const operationId = record.id;
  const clusterId = record.clusterId;
  try {
    await deps.store.operations.create({ ...record, status: "Pending", instanceId: operationId });
    await startInstance(client, request.orchestrator, operationId, request.input({ instanceId: operationId, rerun: false }));
    return { outcome: "started", operationId, instanceId: operationId };
  } catch (err) {
    if (!(err instanceof DuplicateError)) throw err;
  }

  const existing = (await deps.store.operations.get(clusterId, operationId))?.doc;
  if (!existing) throw new Error(`Operation ${operationId} was reported to exist but cannot be read`);
  const instanceId = existing.instanceId ?? operationId;
  const rerun = existing.resumes !== undefined && existing.resumes > 0;

  if (terminalOperationStatuses.includes(existing.status)) {
    if (!(request.rerunFrom ?? []).includes(existing.status)) return { outcome: "exists", operationId, instanceId, status: existing.status };
    return rerunOperation(deps, client, request, existing);
  }
  if (existing.status === "Pending" && (await instanceRuntimeStatus(client, instanceId)) === undefined) {
    const started = await startInstance(client, request.orchestrator, instanceId, request.input({ instanceId, rerun }));
    if (started.started) return { outcome: rerun ? "rerun" : "started", operationId, instanceId };
  }
  return { outcome: "exists", operationId, instanceId, status: existing.status };
}

async function rerunOperation<I>(deps: StartDeps, client: StartClient, request: OperationStartRequest<I>, existing: OperationRecord): Promise<OperationStart> {
  const operationId = existing.id;
  const runs = (existing.resumes ?? 0) + 1;
  const instanceId = `${operationId}:run-${runs}`;
  const allowed = request.rerunFrom ?? [];
  const now = isoNow(deps.clock);
  let claimed = false;
  await deps.store.operations.mutate(existing.clusterId, operationId, (op) => {
    // Two re-runs racing: the ETag lets one of them flip the record; the other finds it running.
    if (!allowed.includes(op.status) || (op.resumes ?? 0) + 1 !== runs) return undefined;
    claimed = true;
    const { outcome: _outcome, cancellation: _cancellation, ...rest } = op;
    const { endedAt: _endedAt, ...timings } = op.timings;
    return { ...rest, ...request.rerunPatch, status: "Pending", resumes: runs, instanceId, trigger: request.record.trigger, timings: { ...timings, updatedAt: now } };
  });
  if (!claimed) {
    const now2 = (await deps.store.operations.get(existing.clusterId, operationId))?.doc ?? existing;
    return { outcome: "exists", operationId, instanceId: now2.instanceId ?? operationId, status: now2.status };
  }
  await startInstance(client, request.orchestrator, instanceId, request.input({ instanceId, rerun: true }));
  return { outcome: "rerun", operationId, instanceId };
}
