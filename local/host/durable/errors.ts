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

export class EntitiesNotSupportedError extends DurableEngineError {
  constructor(readonly functionNames: string[]) {
    super(`Durable entities are not supported by the local host (registered entity functions: ${functionNames.join(", ")}).`);
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

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
