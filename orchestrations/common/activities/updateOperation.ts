import type { OperationUpdate, SectionMerger } from "../../engine/contracts";
import { terminalOperationStatuses, type OperationRecord, type OperationStep } from "../../../shared/store";
import { isNotFound } from "../../../shared/domain/failures";
import { MissingRecordError } from "./errors";
import { armOperationIdOf } from "../../../shared/azure/arm-operations";
import type { StorePort } from "./ports";

/** The record's status after the write; `cancelled` once an operator cancelled the operation (a step must not start then). */
export interface UpdateOperationResult {
  status: string;
  cancelled?: true;
}

export interface UpdateOperationDeps {
  store: Pick<StorePort, "operations">;
  /** The flows' own record sections (node images: `nodeImage`), by field name: how a patch of each merges. */
  sections?: Readonly<Record<string, SectionMerger>>;
}

/**
 * Merges the orchestrator's patch into the operation record (ETag-guarded). Every value comes
 * from the patch (timestamps too: the orchestration's replay-safe time), so running it twice
 * writes the same document: idempotent under redelivery.
 */
export function createUpdateOperationActivity(deps: UpdateOperationDeps): (update: OperationUpdate) => Promise<UpdateOperationResult> {
  return async (update) => {
    try {
      const stored = await deps.store.operations.mutate(update.clusterId, update.operationId, (op) => applyOperationUpdate(op, update, deps.sections));
      return { status: stored.doc.status, ...(stored.doc.cancellation ? { cancelled: true as const } : {}) };
    } catch (err) {
      if (isNotFound(err)) throw new MissingRecordError("operation", update.operationId, update.clusterId);
      throw err;
    }
  };
}

export function applyOperationUpdate(op: OperationRecord, update: OperationUpdate, sections: Readonly<Record<string, SectionMerger>> = {}): OperationRecord {
  const next: OperationRecord = { ...op, steps: [...op.steps], timings: { ...op.timings } };
  if (update.plan) {
    // The readiness report the preparation stored with the plan stays while the target is the same.
    const readiness = next.plan?.readiness?.targetVersion === update.plan.target ? next.plan.readiness : undefined;
    next.plan = {
      target: update.plan.target, steps: update.plan.steps.map((s) => ({ index: s.index, kind: s.kind, ...(s.pool ? { pool: s.pool } : {}), from: s.from, to: s.to })),
      ...(readiness ? { readiness } : {})
    };
    next.targetVersion = update.plan.target;
    for (const s of update.plan.steps) {
      if (next.steps.some((x) => x.index === s.index)) continue;
      next.steps.push({ index: s.index, name: stepName(s), kind: s.kind, ...(s.pool ? { pool: s.pool } : {}), from: s.from, to: s.to, status: "Pending" });
    }
    next.steps.sort((a, b) => a.index - b.index);
  }
  if (update.step) {
    const { index, ...fields } = update.step;
    const at = next.steps.findIndex((s) => s.index === index);
    const planned = next.plan?.steps.find((s) => s.index === index);
    const pool = planned?.pool ?? fields.pool;
    const base: OperationStep = at >= 0
      ? next.steps[at]!
      : {
        index, name: planned ? stepName(planned) : fields.name ?? `step ${index + 1}`, kind: planned?.kind ?? fields.kind ?? "configuration",
        from: planned?.from ?? fields.from ?? "", to: planned?.to ?? fields.to ?? "", status: "Pending", ...(pool ? { pool } : {})
      };
    if (fields.armOperationId) fields.armOperationId = armOperationIdOf(fields.armOperationId);
    // A re-run step starts over: what the failed attempt left (error, end) does not belong to the new one.
    const restart = fields.status === "Running" && base.status !== "Running";
    const merged: OperationStep = { ...(restart ? withoutAttempt(base) : base), ...definedOnly(fields) };
    if (at >= 0) next.steps[at] = merged;
    else next.steps.push(merged);
    next.steps.sort((a, b) => a.index - b.index);
  }
  // A finished operation stays finished: a late duplicate patch must not reopen it (a resume resets the record first).
  const reopens = update.status !== undefined && terminalOperationStatuses.includes(op.status) && !terminalOperationStatuses.includes(update.status) && !update.outcome;
  // An operator's cancel is final: the stopped orchestration (or a step that was in flight) cannot rewrite it.
  const cancelled = op.status === "Cancelled" && op.cancellation !== undefined;
  if (update.status && !reopens && !cancelled) {
    next.status = update.status;
    if (update.status === "Running" && !next.timings.startedAt) next.timings.startedAt = update.at;
    if (terminalOperationStatuses.includes(update.status)) next.timings.endedAt = update.at;
    else delete next.timings.endedAt;
    if (update.status !== "Queued") delete next.queuePosition;
  }
  if (update.queuePosition !== undefined && !cancelled) next.queuePosition = update.queuePosition;
  if (update.approval) {
    const entry = update.approval;
    const known = next.approvals.some((a) => a.step === entry.step && a.decision === entry.decision && a.at === entry.at);
    if (!known) next.approvals = [...next.approvals, entry];
  }
  if (update.outcome && !cancelled) next.outcome = definedOnly(update.outcome) as OperationRecord["outcome"];
  // A flow's own section: merged by the flow's merger, only into a record that has it.
  const fields = next as unknown as Record<string, unknown>;
  const patches = update as unknown as Record<string, unknown>;
  for (const [name, merge] of Object.entries(sections)) {
    if (patches[name] === undefined || fields[name] === undefined) continue;
    const merged = merge(fields[name], patches[name], update);
    if (merged !== undefined) fields[name] = merged;
  }
  return next;
}

function stepName(s: { kind: string; pool?: string; from: string; to: string }): string {
  if (s.kind === "nodeImage") return `node image, pool ${s.pool ?? "?"}`;
  const what = s.kind === "controlPlane" ? "control plane" : s.kind === "nodePool" ? `pool ${s.pool ?? "?"}` : s.kind;
  return `${what} ${s.from} → ${s.to}`;
}

function withoutAttempt(step: OperationStep): OperationStep {
  const { error: _e, endedAt: _end, healthAfter: _h, ...rest } = step;
  return rest;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
