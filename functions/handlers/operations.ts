import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { isClusterName } from "../../shared/domain/armResourceId";
import { cosmosStatus, type OperationStatus } from "../../shared/store";
import { badRequest, json, problem, type FieldIssue } from "./http";
import type { Platform } from "../runtime/platform";

const STATUSES: readonly OperationStatus[] = ["Pending", "Queued", "Running", "AwaitingApproval", "Succeeded", "Failed", "Rejected", "Expired", "Cancelled", "Blocked"];

/** A page of `GET /api/operations` when `top` is not given, and the most a page may hold. */
export const OPERATIONS_PAGE_DEFAULT = 50;
export const OPERATIONS_PAGE_MAX = 200;
const MAX_CONTINUATION_CHARS = 8192;

/**
 * Whether a continuation token has the shape Cosmos gives: a JSON object or array, as `@azure/cosmos`
 * 4 serialises its tokens (documents/ContinuationToken: `{"token": "+RID:…", "range": {…}}` for one
 * range, `CompositeQueryContinuationToken` `{"rid", "rangeMappings", …}`, `OrderByQueryContinuationToken`
 * `{"rangeMappings", "orderByItems", "rid", "skipCount", …}`, older ORDER BY arrays of
 * `{"compositeToken", "orderByItems"}`). Anything else is refused before it reaches Cosmos, which
 * would answer 400 (the embedded server would start over from the first page).
 */
function continuationIssue(token: string): string | undefined {
  if (token.length === 0 || token.length > MAX_CONTINUATION_CHARS) return `must be a continuation token from a previous page (1-${MAX_CONTINUATION_CHARS} characters)`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    return "is not a continuation token from a previous page (not the JSON Cosmos gives)";
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const tokenLike = (v: unknown): boolean => isObject(v) && (
    (typeof v.token === "string" && isObject(v.range)) || Array.isArray(v.rangeMappings) || isObject(v.compositeToken) || typeof v.compositeToken === "string"
  );
  const ok = tokenLike(parsed) || (Array.isArray(parsed) && parsed.length > 0 && parsed.every(tokenLike));
  return ok ? undefined : "is not a continuation token from a previous page";
}

/**
 * `GET /api/operations?clusterId=&status=&top=&continuationToken=` (status may list several,
 * comma-separated), newest first, one page: at most `top` (1-200, default 50) and, when there are
 * more, `continuationToken` (Cosmos's, as it gave it) to pass back for the next page.
 */
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
    const topParam = request.query.get("top");
    const top = topParam === null ? OPERATIONS_PAGE_DEFAULT : /^\d{1,4}$/.test(topParam.trim()) ? Number(topParam.trim()) : Number.NaN;
    if (!Number.isInteger(top) || top < 1 || top > OPERATIONS_PAGE_MAX) issues.push({ field: "top", message: `must be a whole number from 1 to ${OPERATIONS_PAGE_MAX}` });
    const continuationToken = request.query.get("continuationToken") ?? undefined;
    const tokenIssue = continuationToken === undefined ? undefined : continuationIssue(continuationToken);
    if (tokenIssue) issues.push({ field: "continuationToken", message: tokenIssue });
    if (issues.length > 0) return badRequest(issues);
    // Operations are kept under the cluster's name as registered; the filter takes it in any case.
    const registered = clusterId ? (await p.store.clusters.get(clusterId))?.doc.id ?? clusterId : undefined;
    const filter = { ...(registered ? { clusterId: registered } : {}), ...(statuses.length > 0 ? { status: statuses as OperationStatus[] } : {}) };
    try {
      return json(200, await p.store.operations.page(filter, top, continuationToken));
    } catch (err) {
      // A well-formed token Cosmos still refuses (another query's, from before a change), or one the
      // SDK cannot parse (it throws before any request): the caller's to fix.
      const unparsed = err instanceof SyntaxError || (err instanceof Error && cosmosStatus(err) === undefined && /continuation/i.test(err.message));
      if (continuationToken !== undefined && (cosmosStatus(err) === 400 || unparsed)) return badRequest([{ field: "continuationToken", message: "is not a continuation token of this query" }]);
      throw err;
    }
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
