/** Named errors of the durable engine, each carrying the context a reader needs. */
export class DurableEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class OrchestratorNotFoundError extends DurableEngineError {
  constructor(readonly functionName: string) {
    // Wording of the extension's HTTP API for an unknown orchestrator.
    super(`The function '${functionName}' doesn't exist, is disabled, or is not an orchestrator function.`);
  }
}

export class InstanceAlreadyExistsError extends DurableEngineError {
  constructor(readonly instanceId: string, readonly status: string) {
    super(`An orchestration with instance ID '${instanceId}' already exists and is ${status}.`);
  }
}

export class NonDeterminismError extends DurableEngineError {
  constructor(readonly instanceId: string, readonly position: number, readonly expected: string, readonly actual: string) {
    super(`Non-deterministic workflow detected in instance '${instanceId}': at action #${position} the history recorded ${expected}, `
      + `but the orchestrator now scheduled ${actual}.`);
  }
}

export class UnsupportedActionError extends DurableEngineError {
  constructor(readonly instanceId: string, readonly action: string) {
    super(`Instance '${instanceId}' scheduled ${action}, which the local host does not support.`);
  }
}

/** Errors may come from another realm (the app is loaded by Node, tests run in jest's VM): duck-type them. */
export function isErrorLike(err: unknown): err is { message: string; stack?: string; cause?: unknown } {
  return typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string";
}

export function errorMessage(err: unknown): string {
  return isErrorLike(err) ? err.message : String(err);
}

export function errorStack(err: unknown): string {
  return isErrorLike(err) && typeof err.stack === "string" ? err.stack : "";
}
