/**
 * ARM long-running operations as the platform keeps them: the SDK poller's serialized state
 * (core-lro 3) names the operation's status URL (`state.config.operationLocation`, the
 * `Azure-AsyncOperation` header). Records keep it as a host-relative path, valid for whichever ARM
 * endpoint reads it and small enough for the record.
 */

/**
 * ARM's one state table, for a resource's `provisioningState` and an async operation's `status`
 * alike: `Succeeded`, `Failed` and `Canceled` are terminal, any other value (`Accepted`,
 * `Creating`, `Updating`, `Upgrading`, `UpgradingNodeImageVersion`, `Scaling`, `Starting`,
 * `Stopping`, `Deleting`, `InProgress`, `Running`, ...) means the resource or operation is still
 * changing (ARM resource provider contract, async-api-reference.md "ProvisioningState property"
 * and "Azure-AsyncOperation Resource format"; azure-openapi-validator rule ProvisioningStateValidation:
 * "provisioningState must have terminal states: Succeeded, Failed and Canceled"). Compared
 * case-insensitively, as ARM's values are; `Cancelled` is read as `Canceled`. No state at all
 * (a resource type without one) is `undefined`: nothing is running.
 */
export type ArmPhase = "inProgress" | "succeeded" | "failed" | "canceled";

export function armPhaseOf(state: string | undefined | null): ArmPhase | undefined {
  const s = (state ?? "").trim().toLowerCase();
  if (!s) return undefined;
  if (s === "succeeded") return "succeeded";
  if (s === "failed") return "failed";
  if (s === "canceled" || s === "cancelled") return "canceled";
  return "inProgress";
}

/** Whether a `provisioningState` (or an operation `status`) says ARM is still changing the resource. */
export function isArmInProgress(state: string | undefined | null): boolean {
  return armPhaseOf(state) === "inProgress";
}

/** The status URL (`Azure-AsyncOperation`) a serialized poller state names, if any. */
export function operationLocationOfState(serialized: string): string | undefined {
  let state: unknown;
  try {
    state = JSON.parse(serialized);
  } catch {
    return undefined;
  }
  return findString(state, "operationLocation");
}

/** The status path (`/subscriptions/…/operations/<id>?api-version=…`) in a serialized poller state, if any. */
export function operationPathOfState(serialized: string): string | undefined {
  const url = operationLocationOfState(serialized);
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return undefined;
  }
}

/** What a record keeps for an ARM operation id: a serialized poller state becomes its status path; anything else is kept. */
export function armOperationIdOf(value: string): string {
  if (!value.startsWith("{")) return value;
  return operationPathOfState(value) ?? value;
}

function findString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record[key] === "string") return record[key];
  for (const v of Object.values(record)) {
    const found = findString(v, key);
    if (found) return found;
  }
  return undefined;
}
