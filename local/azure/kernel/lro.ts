import { randomUUID } from "node:crypto";
import type { Clock, CancelTimer } from "../../clock";
import { ArmError, ensureError } from "./errors";

export type LroStatus = "InProgress" | "Succeeded" | "Failed" | "Canceled";

/** An operation-status resource, as `GET .../locations/{loc}/operations/{id}` returns it (plus bookkeeping). */
export interface LroOperation {
  id: string;
  name: string;
  status: LroStatus;
  startTime: string;
  endTime?: string;
  percentComplete?: number;
  error?: { code: string; message: string };
  /** Bookkeeping (not part of the status body). */
  resourceId: string;
  operation: string;
  namespace: string;
  location: string;
  apiVersion: string;
  dueAt: number;
  startedAt: number;
  /** JSON data the completion handler needs; persisted so an operation survives a restart. */
  context?: unknown;
  /** Body of the final `operationresults` GET (e.g. the agent pool after upgradeNodeImageVersion). */
  result?: unknown;
}

export interface LroBeginOptions {
  resourceId: string;
  /** Names the completion handler registered with `handle()` (and appears in diagnostics). */
  operation: string;
  durationMs: number;
  /** Resource provider namespace for the status URLs (default from the resource id). */
  namespace?: string;
  location: string;
  apiVersion: string;
  context?: unknown;
  /** Runs at completion instead of the registered handler (not persisted across restarts). */
  onComplete?: (op: LroOperation) => LroOutcome | void;
  /** Fail at completion with this error instead of running the completion. */
  fail?: ArmError;
}

export interface LroOutcome {
  /** Body returned by the final `operationresults` GET. */
  result?: unknown;
}

/** Completion of an operation: returns its outcome or throws an ArmError to fail it. */
export type LroCompletion = (op: LroOperation) => LroOutcome | void;

export class UnknownOperationError extends Error {
  override readonly name = "UnknownOperationError";
  constructor(readonly operationId: string) {
    super(`No long-running operation '${operationId}'`);
  }
}

/**
 * Long-running operations as ARM resource providers run them: the initial response carries
 * `Azure-AsyncOperation` (polled for `status`) and `Location` (the final result) headers
 * (https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/async-api-reference.md),
 * and the operation completes when the shared clock reaches its due time.
 */
export class LroManager {
  private readonly ops = new Map<string, LroOperation>();
  private readonly timers = new Map<string, CancelTimer>();
  private readonly closures = new Map<string, { onComplete?: LroOptionsClosure; fail?: ArmError }>();
  private readonly handlers = new Map<string, LroCompletion>();
  /** Seconds the status responses advise in `Retry-After` (0: omit, so SDK pollers use their own interval). */
  retryAfterSeconds = 0;
  /** Keeps this many finished operations for late pollers. */
  maxFinished = 2000;

  constructor(private readonly clock: Clock, private readonly baseUrl: () => string) {}

  /** Registers the completion for an operation name (used for operations restored after a restart too). */
  handle(operation: string, completion: LroCompletion): void {
    this.handlers.set(operation, completion);
  }

  begin(options: LroBeginOptions): { operation: LroOperation; headers: Record<string, string> } {
    const id = randomUUID();
    const now = this.clock.now();
    const namespace = options.namespace ?? namespaceOf(options.resourceId) ?? "Microsoft.Resources";
    const subscription = /\/subscriptions\/([^/]+)/i.exec(options.resourceId)?.[1] ?? "";
    const op: LroOperation = {
      id: `/subscriptions/${subscription}/providers/${namespace}/locations/${options.location}/operations/${id}`,
      name: id,
      status: "InProgress",
      startTime: new Date(now).toISOString(),
      resourceId: options.resourceId,
      operation: options.operation,
      namespace,
      location: options.location,
      apiVersion: options.apiVersion,
      startedAt: now,
      dueAt: now + Math.max(0, Math.round(options.durationMs)),
      context: options.context
    };
    this.ops.set(id, op);
    this.closures.set(id, { onComplete: options.onComplete, fail: options.fail });
    this.arm(op);
    return { operation: op, headers: this.headersFor(op) };
  }

  /** `Azure-AsyncOperation` and `Location` for an operation (absolute URLs with the api-version). */
  headersFor(op: LroOperation): Record<string, string> {
    const base = `${this.baseUrl()}/subscriptions/${subscriptionOf(op)}/providers/${op.namespace}/locations/${op.location}`;
    const q = `?api-version=${encodeURIComponent(op.apiVersion)}`;
    const headers: Record<string, string> = {
      "Azure-AsyncOperation": `${base}/operations/${op.name}${q}`,
      Location: `${base}/operationresults/${op.name}${q}`
    };
    if (this.retryAfterSeconds > 0) headers["Retry-After"] = String(this.retryAfterSeconds);
    return headers;
  }

  get(operationId: string): LroOperation | undefined {
    return this.ops.get(operationId.toLowerCase()) ?? [...this.ops.values()].find((o) => o.name.toLowerCase() === operationId.toLowerCase());
  }

  /** In-progress operations on a resource or anything under it. */
  active(resourceId: string): LroOperation[] {
    const key = resourceId.toLowerCase();
    return [...this.ops.values()].filter((o) => o.status === "InProgress" &&
      (o.resourceId.toLowerCase() === key || o.resourceId.toLowerCase().startsWith(key + "/")));
  }

  inProgressCount(): number {
    return [...this.ops.values()].filter((o) => o.status === "InProgress").length;
  }

  /** The operation-status body (`Azure-AsyncOperation` target). */
  statusBody(op: LroOperation): Record<string, unknown> {
    const body: Record<string, unknown> = { id: op.id, name: op.name, status: op.status, startTime: op.startTime };
    if (op.endTime) body.endTime = op.endTime;
    if (op.status === "InProgress") {
      const span = Math.max(1, op.dueAt - op.startedAt);
      body.percentComplete = Math.min(99, Math.floor(((this.clock.now() - op.startedAt) / span) * 100));
    } else {
      body.percentComplete = 100;
    }
    if (op.error) body.error = op.error;
    return body;
  }

  /** Completes an operation now (used when an out-of-band action ends it early, e.g. a delete). */
  completeNow(operationId: string): void {
    const op = this.get(operationId);
    if (op && op.status === "InProgress") this.complete(op);
  }

  /** Marks an in-progress operation Canceled (AKS cancels an operation when another one supersedes it). */
  cancel(operationId: string, reason = "The operation was canceled."): void {
    const op = this.get(operationId);
    if (!op || op.status !== "InProgress") return;
    this.timers.get(op.name)?.();
    this.finish(op, "Canceled", { code: "OperationCanceled", message: reason });
  }

  snapshot(): LroOperation[] {
    return [...this.ops.values()];
  }

  /** Restores operations and re-arms the in-progress ones (their completions come from `handle()`). */
  restore(ops: LroOperation[]): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.ops.clear();
    this.closures.clear();
    for (const op of ops) {
      this.ops.set(op.name, op);
      if (op.status === "InProgress") this.arm(op);
    }
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private arm(op: LroOperation): void {
    this.timers.set(op.name, this.clock.setTimer(op.dueAt, () => this.complete(op)));
  }

  private complete(op: LroOperation): void {
    if (op.status !== "InProgress") return;
    this.timers.delete(op.name);
    const closure = this.closures.get(op.name);
    this.closures.delete(op.name);
    try {
      if (closure?.fail) throw closure.fail;
      const completion = closure?.onComplete ?? this.handlers.get(op.operation);
      const outcome = completion ? completion(op) : undefined;
      if (outcome && outcome.result !== undefined) op.result = outcome.result;
      this.finish(op, "Succeeded");
    } catch (err) {
      const e = err instanceof ArmError ? err : new ArmError(500, "InternalOperationError", ensureError(err).message);
      this.finish(op, "Failed", { code: e.code, message: e.message });
    }
  }

  private finish(op: LroOperation, status: LroStatus, error?: { code: string; message: string }): void {
    op.status = status;
    op.endTime = new Date(this.clock.now()).toISOString();
    if (error) op.error = error;
    this.prune();
  }

  private prune(): void {
    const finished = [...this.ops.values()].filter((o) => o.status !== "InProgress");
    for (const old of finished.slice(0, Math.max(0, finished.length - this.maxFinished))) this.ops.delete(old.name);
  }
}

type LroOptionsClosure = (op: LroOperation) => LroOutcome | void;

/** The provider serving the resource: the one after the last `/providers/` (an extension resource's own, not its scope's). */
function namespaceOf(resourceId: string): string | undefined {
  return [...resourceId.matchAll(/\/providers\/([^/]+)/gi)].at(-1)?.[1];
}

function subscriptionOf(op: LroOperation): string {
  return /\/subscriptions\/([^/]+)/i.exec(op.id)?.[1] ?? "";
}
