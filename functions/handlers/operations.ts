import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { OperationStatus } from "../../shared/store";
import { badRequest, json, problem, type FieldIssue } from "./http";
import type { Platform } from "../runtime/platform";

const STATUSES: readonly OperationStatus[] = ["Pending", "Queued", "Running", "AwaitingApproval", "Succeeded", "Failed", "Rejected", "Expired", "Cancelled"];

/** `GET /api/operations?clusterId=&status=` (status may list several, comma-separated), newest first. */
export function createListOperationsHandler(p: Platform) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const issues: FieldIssue[] = [];
    const clusterId = request.query.get("clusterId") ?? undefined;
    const statusParam = request.query.get("status");
    const statuses = statusParam ? statusParam.split(",").map((s) => s.trim()).filter(Boolean) : [];
    const unknown = statuses.filter((s) => !(STATUSES as readonly string[]).includes(s));
    if (unknown.length > 0) issues.push({ field: "status", message: `must be one or more of ${STATUSES.join(", ")} (got ${unknown.join(", ")})` });
    if (clusterId !== undefined && clusterId.trim() === "") issues.push({ field: "clusterId", message: "must not be empty" });
    if (issues.length > 0) return badRequest(issues);
    const value = await p.store.operations.query({
      ...(clusterId ? { clusterId } : {}),
      ...(statuses.length > 0 ? { status: statuses as OperationStatus[] } : {})
    });
    return json(200, { value });
  };
}

/** `GET /api/operations/{id}` */
export function createGetOperationHandler(p: Platform) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const id = request.params.id ?? "";
    const op = await p.store.operations.findById(id);
    return op ? json(200, op) : problem(404, "OperationNotFound", `No operation ${id}`);
  };
}
