import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { isClusterName } from "../../shared/domain/armResourceId";
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
    const statuses = statusParam === null ? [] : statusParam.split(",").map((s) => s.trim());
    const unknown = statuses.filter((s) => !(STATUSES as readonly string[]).includes(s));
    if (statusParam !== null && (statuses.every((s) => s === "") || unknown.length > 0)) {
      const got = unknown.filter(Boolean).slice(0, 10).map((s) => JSON.stringify(s.slice(0, 40)));
      issues.push({ field: "status", message: `must be one or more of ${STATUSES.join(", ")}, comma-separated, none empty${got.length > 0 ? ` (got ${got.join(", ")})` : ""}` });
    }
    // The Functions host joins a repeated query parameter with commas (as Azure's does), so `clusterId` given twice arrives as `a,b`.
    if (clusterId !== undefined && clusterId.trim() === "") issues.push({ field: "clusterId", message: "must not be empty" });
    else if (clusterId !== undefined && !isClusterName(clusterId)) issues.push({ field: "clusterId", message: "must be one cluster name (1-63 letters, digits, _ and -), given once" });
    if (issues.length > 0) return badRequest(issues);
    // Operations are kept under the cluster's name as registered; the filter takes it in any case.
    const registered = clusterId ? (await p.store.clusters.get(clusterId))?.doc.id ?? clusterId : undefined;
    const value = await p.store.operations.query({
      ...(registered ? { clusterId: registered } : {}),
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
