import { failureOf } from "../../../shared/domain/failures";
import { getPath, provisioningStateOf, setPath } from "../../../shared/domain/baseline/plan";
import type { ArmResourcePort } from "../../../shared/azure/arm-resources";
import type { StartStepResult, StepState } from "../../common/contracts";
import type { ArmResourcePutRequest } from "../contracts";
import { generateValue } from "./generatedValues";
import { armPhaseOf, isArmInProgress } from "../../../shared/azure/arm-operations";

export interface ArmResourcePutDeps {
  arm: ArmResourcePort;
}

/** A value the body needs is not readable yet (its source has no such property): permanent, names both. */
export class MissingReferenceError extends Error {
  override readonly name = "MissingReferenceError";
  readonly permanent = true as const;
  readonly code = "ReferenceNotReadable";
  constructor(readonly resourceId: string, readonly fromId: string, readonly fromPath: string) {
    super(`${resourceId} needs ${fromPath} of ${fromId}, which ARM does not report`);
  }
}


/** The body with the values it reads from other resources filled in (one GET each). */
export async function resolvedBody(arm: ArmResourcePort, request: ArmResourcePutRequest): Promise<Record<string, unknown>> {
  let body = request.resource.body;
  for (const ref of request.resource.refs) {
    const source = await arm.getArmResource(ref.fromId, ref.fromApiVersion);
    const value = getPath(source, ref.fromPath);
    if (typeof value !== "string" || !value) throw new MissingReferenceError(request.resource.id, ref.fromId, ref.fromPath);
    body = setPath(body, ref.path, ref.format === "cidr32" ? `${value}/32` : value);
  }
  return body;
}

/**
 * Starts one idempotent PUT and returns at once (the engine polls). A resource still being
 * written (a re-run after a lost checkpoint) is `inProgress`; a 409 (another write holds it or its
 * parent) is `conflict`, which the step waits out; throttling goes back to the activity proxy.
 */
export function createStartArmResourcePutActivity(deps: ArmResourcePutDeps) {
  return async (request: ArmResourcePutRequest): Promise<StartStepResult> => {
    const { id, apiVersion } = request.resource;
    try {
      const current = await deps.arm.getArmResource(id, apiVersion);
      if (current && isArmInProgress(provisioningStateOf(current))) return { outcome: "inProgress" };
      const resolved = await resolvedBody(deps.arm, request);
      // A generated value (a dev self-signed certificate) exists only in this PUT's body.
      const body = request.resource.generate ? setPath(resolved, request.resource.generate.path, await generateValue(request.resource.generate)) : resolved;
      const put = await deps.arm.putArmResource(id, apiVersion, body);
      return { outcome: "started", ...(put.operationPath ? { armOperationId: put.operationPath } : {}) };
    } catch (err) {
      const failure = failureOf(err);
      if (failure.kind === "conflict") return { outcome: "conflict", error: { code: failure.code, message: failure.message } };
      throw err;
    }
  };
}

/** One read: the ARM operation's status when the PUT gave one (with its error), else the resource's provisioningState. */
export function createCheckArmResourcePutActivity(deps: ArmResourcePutDeps) {
  return async (request: ArmResourcePutRequest): Promise<StepState> => {
    const { id, apiVersion } = request.resource;
    if (request.armOperationId) {
      const op = await deps.arm.readArmOperation(request.armOperationId);
      if (op.phase === "succeeded") return { state: "Succeeded" };
      if (op.phase === "failed" || op.phase === "canceled") return { state: "Failed", error: op.error ?? { code: "ProvisioningFailed", message: `${id}: ${op.status}` } };
      return { state: "InProgress" };
    }
    const current = await deps.arm.getArmResource(id, apiVersion);
    if (!current) return { state: "Failed", error: { code: "ResourceNotFound", message: `${id} is not in ARM after its PUT` } };
    const state = provisioningStateOf(current) ?? "Succeeded";
    const phase = armPhaseOf(state);
    if (phase === "succeeded") return { state: "Succeeded" };
    if (phase === "failed" || phase === "canceled") return { state: "Failed", error: { code: "ProvisioningFailed", message: `${id}: provisioningState ${state.toLowerCase()}` } };
    return { state: "InProgress" };
  };
}
