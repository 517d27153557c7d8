/**
 * `POST /api/operations/{id}/cancel` (body optional `{ "reason": "..." }`): an operator stops an
 * operation that is queued, waiting for approval or running.
 *
 * How it stops (the same on Azure and locally):
 * 1. The record is flipped to `Cancelled` under its ETag, with who cancelled, when, why and what
 *    it was doing (`cancellation`, `outcome`). That write is the decision: from then on the
 *    approval endpoint refuses every decision for the operation (409), a step that was just being
 *    scheduled finds the record cancelled before it starts anything in AKS, an approval asked for
 *    late sends no card, and the stopped orchestration's own late writes cannot rewrite the record.
 * 2. The operation's orchestration is terminated, then each of its step and approval
 *    sub-orchestrations by their deterministic ids, parent first. Terminating an instance does not
 *    reach its sub-orchestrations (nor its in-flight activities) in Durable Functions
 *    (IDurableOrchestrationClient.TerminateAsync, Remarks: "Terminating an orchestration instance
 *    has no effect on any in-flight activity function executions or sub-orchestrations that were
 *    started by the current orchestration instance",
 *    https://learn.microsoft.com/dotnet/api/microsoft.azure.webjobs.extensions.durabletask.idurableorchestrationclient.terminateasync);
 *    the local engine behaves the same (local/host/durable/episode.ts terminates one instance).
 *    Raising a "cancel" event instead would need every wait of every flow to race it and still
 *    could not stop a child from its parent; terminate stops each instance wherever it waits.
 * 3. The cluster lock is released (and the operation leaves the queue), so queued operations go
 *    ahead on their next try. An activity of the terminated run that was in flight and takes the
 *    lock after that is harmless: a holder whose record is terminal, or whose instance ended, is
 *    stale (orchestrations/common/activities/clusterLock.ts).
 * 4. A Teams card says the operation was cancelled and by whom (its own durable instance, with the
 *    usual retries, once per run).
 *
 * Every step after the first is idempotent: a repeated cancel answers 409 (already `Cancelled`)
 * and finishes whatever an interrupted first attempt left undone.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { TeamsMessageRequest } from "../../orchestrations/common/teams";
import { createReleaseClusterLockActivity } from "../../orchestrations/common/activities/clusterLock";
import { FLEET_PARTITION } from "../../orchestrations/nodeImageRollout/rolloutPolicy";
import { isoNow, terminalOperationStatuses, type OperationCancellation, type OperationRecord } from "../../shared/store";
import { approverOf } from "./approvals";
import { mayDecide } from "./deciders";
import type { DurableClientPort } from "./durableClient";
import { startInstance } from "../../orchestrations/startOperation";
import { badRequest, isRecord, json, problem, readJson, unknownFields, type FieldIssue } from "./http";
import { principalName } from "./upgrades";
import type { Platform } from "../runtime/platform";
import { isNotFound } from "../../shared/domain/failures";

export const CANCEL_LIMITS = { reason: 500, operator: 200 } as const;

export interface CancelRequest {
  reason?: string;
  /** Who cancels, for local runs only: in Azure App Service authentication's principal wins, as for approvals. */
  operator?: string;
}

export function validateCancelRequest(body: unknown): { ok: true; value: CancelRequest } | { ok: false; issues: FieldIssue[] } {
  if (body === undefined) return { ok: true, value: {} };
  if (!isRecord(body)) return { ok: false, issues: [{ field: "body", message: "must be a JSON object (or empty)" }] };
  const issues = unknownFields(body, ["reason", "operator"]);
  const text = (field: "reason" | "operator"): string | undefined => {
    const v = body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      issues.push({ field, message: "must be a string" });
      return undefined;
    }
    const trimmed = v.trim();
    if (trimmed.length > CANCEL_LIMITS[field]) issues.push({ field, message: `must be at most ${CANCEL_LIMITS[field]} characters` });
    return trimmed === "" ? undefined : trimmed;
  };
  const reason = text("reason");
  const operator = text("operator");
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...(reason ? { reason } : {}), ...(operator ? { operator } : {}) } };
}

/** The record as cancelled: status, outcome, who and why; steps that had not finished say so. */
export function cancelledRecord(op: OperationRecord, cancellation: OperationCancellation): OperationRecord {
  const { queuePosition: _q, ...rest } = op;
  const steps = op.steps.map((s) => {
    if (s.status === "Pending" || s.status === "AwaitingApproval") return { ...s, status: "Skipped" as const };
    if (s.status === "Running") {
      return { ...s, status: "Failed" as const, endedAt: cancellation.at, error: { code: "OperationCancelled", message: "cancelled while running: AKS finishes what it had started, nothing more is started" } };
    }
    return s;
  });
  const message = `Cancelled by ${cancellation.by}${cancellation.reason ? `: ${cancellation.reason}` : ""} (was ${cancellation.previousStatus})`;
  const nodeImage = (op as OperationRecord & { nodeImage?: { waitingFor?: string } }).nodeImage;
  const { waitingFor: _w, ...image } = nodeImage ?? {};
  return {
    ...rest, status: "Cancelled", steps, cancellation, outcome: { result: "Cancelled", message },
    timings: { ...op.timings, endedAt: cancellation.at },
    // An operator's cancel is not a missed window: the daily catch-up does not run it again.
    ...(nodeImage ? { nodeImage: { ...image, result: "skipped", catchUpDue: false } } : {})
  };
}

export function createCancelOperationHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const id = request.params.id ?? "";
    // Only callers allowed to decide cancel (the rule that hands out approval links: deciders.ts).
    const right = mayDecide(request, p.config.mode);
    if (!right.allowed) return problem(403, "NotAllowedToDecide", `Cancelling an operation needs the right to decide: ${right.reason}`);
    const body = await readJson(request);
    if (!body.ok) return body.response;
    const valid = validateCancelRequest(body.value);
    if (!valid.ok) return badRequest(valid.issues);
    const found = await p.store.operations.findById(id);
    if (!found) return problem(404, "OperationNotFound", `No operation ${id}`);
    if (found.clusterId === FLEET_PARTITION) {
      // A fleet rollout is a tree of rings, pages and per-cluster operations: it stops on its failure
      // budget; an operator cancels the per-cluster node-image operations, each with its own record.
      return problem(409, "OperationNotCancellable", `Operation ${id} is a fleet-wide rollout: cancel its per-cluster operations instead`, { operationId: found.id, status: found.status });
    }

    const by = (approverOf(request) ?? principalName(request) ?? valid.value.operator ?? "anonymous").slice(0, CANCEL_LIMITS.operator);
    const at = isoNow(p.clock);
    let cancelledNow = false;
    let op: OperationRecord;
    try {
      op = (await p.store.operations.mutate(found.clusterId, found.id, (current) => {
        if (terminalOperationStatuses.includes(current.status)) return undefined;
        cancelledNow = true;
        return cancelledRecord(current, { by, at, previousStatus: current.status, ...(valid.value.reason ? { reason: valid.value.reason } : {}) });
      })).doc;
    } catch (err) {
      if (isNotFound(err)) return problem(404, "OperationNotFound", `No operation ${id}`);
      throw err;
    }
    if (!cancelledNow && !op.cancellation) return ended(op, `Operation ${op.id} already ended: it is ${op.status}`);

    await stopOperation(p, clientOf(request), op);
    if (!cancelledNow) {
      const c = op.cancellation!;
      return ended(op, `Operation ${op.id} was already cancelled by ${c.by} at ${c.at}`);
    }
    return json(202, { operationId: op.id, status: op.status, cancelledBy: by, ...(valid.value.reason ? { reason: valid.value.reason } : {}), operation: op });
  };
}

function ended(op: OperationRecord, message: string): HttpResponseInit {
  return problem(409, "OperationEnded", message, { operationId: op.id, status: op.status });
}

/** Terminates the run and its children, releases the lock, posts the card. Idempotent. */
async function stopOperation(p: Platform, client: DurableClientPort, op: OperationRecord & { cancellation?: OperationCancellation }): Promise<void> {
  const root = op.instanceId ?? op.id;
  const cancellation = op.cancellation!;
  const reason = `cancelled by ${cancellation.by}`;
  for (const instanceId of childInstanceIds(op, root)) await terminate(client, instanceId, reason);
  await createReleaseClusterLockActivity({ store: p.store, clock: p.clock })({ clusterId: op.clusterId, operationId: op.id, instanceId: root });
  const cluster = (await p.store.clusters.get(op.clusterId))?.doc;
  const notice: TeamsMessageRequest = {
    kind: "operationCancelled", channel: "default",
    payload: {
      operationId: op.id, clusterId: op.clusterId, kind: op.kind, by: cancellation.by, at: cancellation.at, previousStatus: cancellation.previousStatus,
      ...(cluster ? { environment: cluster.environment } : {}), ...(op.targetVersion ? { target: op.targetVersion } : {}),
      ...(cancellation.reason ? { reason: cancellation.reason } : {})
    }
  };
  await startInstance(client, OrchestratorNames.operationNotice, InstanceIds.cancelNotice(root), notice);
}

/** The run's instance first, then every step and approval it may have started (deterministic ids), children after parents. */
export function childInstanceIds(op: Pick<OperationRecord, "steps" | "plan" | "approvalRequests">, root: string): string[] {
  const indices = [...new Set([...op.steps.map((s) => s.index), ...(op.plan?.steps.map((s) => s.index) ?? [])])].sort((a, b) => a - b);
  const ids = [root, ...indices.map((i) => InstanceIds.step(root, i)), ...indices.map((i) => InstanceIds.approval(root, i)),
    ...(op.approvalRequests ?? []).map((r) => r.approvalInstanceId)];
  return [...new Set(ids)];
}

/** Terminate, where "no such instance" (never started) and "already finished" are both done. */
async function terminate(client: DurableClientPort, instanceId: string, reason: string): Promise<void> {
  try {
    // The SDK puts the reason into the URL as given (DurableClient.terminate): encode it.
    await client.terminate(instanceId, encodeURIComponent(reason));
  } catch (err) {
    if (err instanceof Error && /No instance with ID/i.test(err.message)) return;
    throw err;
  }
}

