import { ArmError } from "./errors";
import type { SimKernel } from "./kernel";
import type { SimResponse } from "./types";

/**
 * The status endpoints every long-running operation points at: `operations/{id}` answers the
 * status resource; `operationresults/{id}` answers `202` (with `Location`) while in progress, then
 * the result (`200`) or `204` when the operation has no body, as the ARM async-operation contract describes.
 */
export function registerOperationRoutes(kernel: SimKernel): void {
  const base = "/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}";
  kernel.router.arm("GET", `${base}/operations/{operationId}`, (_req, p) => {
    const op = kernel.lro.get(p.operationId ?? "");
    if (!op) throw new ArmError(404, "NotFound", `Operation '${p.operationId}' was not found.`);
    const headers: Record<string, string> = {};
    if (op.status === "InProgress" && kernel.lro.retryAfterSeconds > 0) headers["Retry-After"] = String(kernel.lro.retryAfterSeconds);
    return { status: 200, headers, body: kernel.lro.statusBody(op) };
  }, { operation: "Operations_GetStatus", kind: "read" });

  kernel.router.arm("GET", `${base}/operationresults/{operationId}`, (_req, p): SimResponse => {
    const op = kernel.lro.get(p.operationId ?? "");
    if (!op) throw new ArmError(404, "NotFound", `Operation result '${p.operationId}' was not found.`);
    if (op.status === "InProgress") {
      return { status: 202, headers: kernel.lro.headersFor(op) };
    }
    if (op.status !== "Succeeded") {
      const err = op.error ?? { code: "OperationFailed", message: `The operation '${op.name}' ${op.status.toLowerCase()}.` };
      throw new ArmError(400, err.code, err.message);
    }
    // 200 even without a body: some SDK operations (resource group delete, upgradeNodeImageVersion)
    // accept 200/202 but not 204 from the final Location GET.
    return op.result === undefined ? { status: 200 } : { status: 200, body: op.result };
  }, { operation: "Operations_GetResult", kind: "read" });
}
