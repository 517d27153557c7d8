/**
 * What the engine writes to an operation record, whatever the flow: the one `updateOperation`
 * patch. Its step and plan shapes are the record's own (shared/store `OperationStep`,
 * `OperationPlan`): one step vocabulary from the engine to the record. A flow with a section of
 * its own on the record (node images: `nodeImage`) adds it to the patch (`OperationPatch<S>`) and
 * registers a `SectionMerger` for it with the writer (orchestrations/common/activities/updateOperation.ts);
 * the engine imports no flow.
 */
import type { OperationPlan, OperationStep, StepStatus } from "../../shared/store";
import type { HealthSample, OperationStatus } from "../common/contracts";

/** A step as the writer merges it: its index and status, and whatever else changed. */
export type StepPatch = { index: number; status: StepStatus } & Partial<Pick<OperationStep, "name" | "kind" | "pool" | "from" | "to" | "startedAt" | "endedAt" | "armOperationId" | "polls">> & {
  healthBefore?: HealthSample;
  healthAfter?: HealthSample;
  error?: { code: string; message: string };
};

/** The plan as the record shows it (what the dashboard and the cards list). */
export type RecordPlan = Pick<OperationPlan, "target" | "steps">;

/** The general fields of a patch; `S` is a flow's own section(s) (default: none). */
export type OperationPatch<S extends object = object> = {
  status?: OperationStatus;
  plan?: RecordPlan;
  step?: StepPatch;
  outcome?: { result: OperationStatus; message: string; failedStep?: number; error?: { code: string; message: string } };
  queuePosition?: number;
  /** Appended to the record's approvals once (the platform's own entries: a deadline passing, an escalation). */
  approval?: { step: number; decision: "expired" | "escalated"; approver: string; at: string; comment?: string };
} & Partial<S>;

/** What an orchestrator asks `updateOperation` to write; the activity merges it into the Cosmos record. */
export type OperationUpdate<S extends object = object> = OperationPatch<S> & {
  clusterId: string;
  operationId: string;
  /** The orchestration's replay-safe time: the patch writes the same document every time it runs. */
  at: string;
};

/**
 * Merges a flow's section patch into the record's section (both JSON), or answers undefined to
 * leave it. `update` is the whole patch (its `at`, whether it carries an `outcome`).
 */
export type SectionMerger = (current: unknown, patch: unknown, update: OperationUpdate) => unknown;
