import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { EventNames } from "../../orchestrations/names";
import type { ApprovalInput } from "../../orchestrations/approval/approvalOrchestrator";
import type { ApprovalDecision } from "../../orchestrations/common/contracts";
import { verifyApprovalToken, type ApprovalClaims } from "../../shared/approvals/token";
import { ConcurrencyError, isoNow, terminalOperationStatuses, type ApprovalRecord, type OperationRecord } from "../../shared/store";
import { isInstanceEnded, readInstance } from "../../orchestrations/common/instanceStatus";
import { confirmationPage, messagePage } from "./approvalPage";
import { clientPrincipalOf } from "./deciders";
import { htmlResponse } from "./pages";
import { instanceInput, instanceRuntimeStatus, type DurableClientPort } from "./durableClient";
import { bodyTooLarge, isRecord, readText, type FieldIssue } from "./http";

/** Bounds on what a decision may carry, and on how many ignored attempts one operation keeps. */
/** ETag races a decision may lose before it gives up (many attempts on one link at once). */
const APPROVAL_MUTATE_ATTEMPTS = 40;

export const APPROVAL_LIMITS = { approver: 200, comment: 1000, ignoredAttemptsKept: 20 } as const;
import type { Platform } from "../runtime/platform";
import { coversWholeOperation } from "../../orchestrations/common/contracts";

type Verified = { ok: true; claims: ApprovalClaims } | { ok: false; response: HttpResponseInit; claims?: ApprovalClaims };

/**
 * Signature, then expiry. A tampered token is 403; an expired one 410. The claims of an expired
 * (but genuine) token are still read, so the late attempt can be recorded: verifying it as of the
 * epoch checks the same signature without the expiry.
 */
function verify(p: Platform, token: string, wantsJson: boolean): Verified {
  const result = verifyApprovalToken(token, p.config.approvalSigningKey, isoNow(p.clock));
  if (result.ok) return result;
  if (result.reason === "expired") {
    const genuine = verifyApprovalToken(token, p.config.approvalSigningKey, new Date(0).toISOString());
    return { ok: false, response: answer(410, "ApprovalExpired", "This approval link has expired: the request is no longer open.", wantsJson), ...(genuine.ok ? { claims: genuine.claims } : {}) };
  }
  return { ok: false, response: answer(403, "ApprovalTokenInvalid", "This approval link is not valid (it was altered or is not one the platform issued).", wantsJson) };
}

function answer(status: number, code: string, message: string, wantsJson: boolean, extra: Record<string, unknown> = {}): HttpResponseInit {
  if (wantsJson) return { status, jsonBody: { ...(status >= 400 ? { error: { code, message } } : { result: code, message }), ...extra } };
  return htmlResponse(status, messagePage(status >= 400 ? "Not recorded" : "Recorded", message));
}

function wantsJsonOf(request: HttpRequest): boolean {
  return (request.headers.get("accept") ?? "").includes("application/json") || (request.headers.get("content-type") ?? "").includes("application/json");
}

/** `GET /api/approvals/{token}`: the confirmation page. Reads only. */
export function createApprovalPageHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const token = request.params.token ?? "";
    const verified = verify(p, token, false);
    if (!verified.ok) return verified.response;
    const input = await instanceInput<ApprovalInput>(clientOf(request), verified.claims.instanceId);
    if (!input) return answer(404, "ApprovalNotFound", "No approval is waiting under this link.", false);
    const op = (await p.store.operations.get(input.clusterId, input.operationId))?.doc;
    if (op && terminalOperationStatuses.includes(op.status)) return notWaiting(op, false);
    const requested = op?.approvalRequests?.find((r) => r.approvalInstanceId === verified.claims.instanceId && r.nonce === verified.claims.nonce);
    if (requested && requested.status !== "Pending") return answer(410, "ApprovalDecided", `This request was already decided (${requested.status.toLowerCase()}).`, false);
    const decision = request.query.get("decision") ?? undefined;
    const html = confirmationPage({
      ...input, deadline: verified.claims.expiresAt, ...(decision ? { preselect: decision } : {}), askApprover: !request.headers.get("x-ms-client-principal"),
      ...(op && "provisioning" in op ? { purpose: "provisioning" as const } : {})
    }, request.url);
    return htmlResponse(200, html);
  };
}

/**
 * `POST /api/approvals/{token}` (form or JSON: decision, comment, locally approver): records the
 * decision once on the operation (ETag-guarded flip of the pending request) and raises it on the
 * approval instance. A second, late or expired attempt is recorded with `ignored: true` and
 * answered 410.
 */
export function createApprovalDecisionHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const wantsJson = wantsJsonOf(request);
    const token = request.params.token ?? "";
    const form = await readDecisionForm(request);
    if (!form) return bodyTooLarge();
    const verified = verify(p, token, wantsJson);
    const claims = verified.ok ? verified.claims : verified.claims;
    if (!claims) return verified.ok ? answer(500, "Internal", "unreachable", wantsJson) : verified.response;
    const client = clientOf(request);
    const instance = await approvalInstance(client, claims.instanceId);
    if (!instance) return answer(404, "ApprovalNotFound", "No approval is waiting under this link.", wantsJson);
    const { input } = instance;
    // A decision on a live link for an operation that no longer waits for it (cancelled, ended, its
    // approval or orchestration stopped) is refused and changes nothing. (An expired link keeps its
    // 410 and its audit entry below: the link's own state is the more precise answer.)
    const current = verified.ok ? (await p.store.operations.get(input.clusterId, input.operationId))?.doc : undefined;
    if (current && terminalOperationStatuses.includes(current.status)) return notWaiting(current, wantsJson);
    const pendingRequest = current?.approvalRequests?.find((r) => r.approvalInstanceId === claims.instanceId && r.nonce === claims.nonce && r.status === "Pending");
    if (pendingRequest) {
      // The approval, and the operation's own orchestration, must still be there to act on it (either
      // may have been terminated through the durable API, which writes no record).
      const root = current?.instanceId;
      const rootStatus = root && root !== claims.instanceId ? await instanceRuntimeStatus(client, root) : "Running";
      const stopped = !WAITING_INSTANCE_STATUSES.includes(instance.runtimeStatus) ? `its approval is ${instance.runtimeStatus.toLowerCase()}`
        : rootStatus !== undefined && isInstanceEnded(rootStatus) ? `its orchestration is ${rootStatus.toLowerCase()}` : undefined;
      if (stopped) {
        return answer(409, "ApprovalNotWaiting", `Operation ${input.operationId} is not waiting for this decision: ${stopped}. Nothing was recorded.`, wantsJson, { operationId: input.operationId, status: current?.status });
      }
    }

    const approver = approverOf(request) ?? form.approver;
    const issues: FieldIssue[] = [];
    if (form.decision !== "approve" && form.decision !== "reject") issues.push({ field: "decision", message: "must be approve or reject" });
    if (form.comment !== undefined && form.comment.length > APPROVAL_LIMITS.comment) issues.push({ field: "comment", message: `must be at most ${APPROVAL_LIMITS.comment} characters` });
    if (approver !== undefined && approver.length > APPROVAL_LIMITS.approver) issues.push({ field: "approver", message: `must be at most ${APPROVAL_LIMITS.approver} characters` });
    if (!approver) issues.push({ field: "approver", message: "is required (signed-in user in Azure, the form field locally)" });
    if (verified.ok && issues.length > 0) {
      return wantsJson ? { status: 400, jsonBody: { error: { code: "InvalidRequest", message: issues.map((i) => `${i.field} ${i.message}`).join("; "), fields: issues } } } : answer(400, "InvalidRequest", issues.map((i) => `${i.field} ${i.message}`).join("; "), false);
    }

    const at = isoNow(p.clock);
    const decision = form.decision === "reject" ? "reject" : "approve";
    const result: { outcome: "recorded" | "decided" | "unknown" | "notWaiting"; ended?: OperationRecord } = { outcome: "unknown" };
    const recording = p.store.operations.mutate(input.clusterId, input.operationId, (op) => {
      // Checked again under the ETag: a cancel that won the race leaves this decision unrecorded.
      if (verified.ok && terminalOperationStatuses.includes(op.status)) {
        result.outcome = "notWaiting";
        result.ended = op;
        return undefined;
      }
      const requests = [...(op.approvalRequests ?? [])];
      const i = requests.findIndex((r) => r.approvalInstanceId === claims.instanceId && r.nonce === claims.nonce);
      const pending = i >= 0 && requests[i]!.status === "Pending" && verified.ok;
      const record: ApprovalRecord = {
        step: coversWholeOperation(input.scope) ? -1 : claims.step, decision, approver: (approver ?? "unknown").slice(0, APPROVAL_LIMITS.approver), at,
        ...(form.comment ? { comment: form.comment.slice(0, APPROVAL_LIMITS.comment) } : {}), ...(pending ? {} : { ignored: true })
      };
      result.outcome = pending ? "recorded" : i >= 0 ? "decided" : "unknown";
      if (!pending && op.approvals.filter((a) => a.ignored).length >= APPROVAL_LIMITS.ignoredAttemptsKept) {
        // Beyond the first ignored attempts only a count grows: the record stays small however often a link is posted.
        return { ...op, ignoredApprovalAttempts: (op.ignoredApprovalAttempts ?? 0) + 1 };
      }
      if (pending) requests[i] = { ...requests[i]!, status: decision === "approve" ? "Approved" : "Rejected", decidedAt: at };
      return { ...op, approvalRequests: requests, approvals: [...op.approvals, record] };
    }, APPROVAL_MUTATE_ATTEMPTS).then(() => true, (err: unknown) => {
      if (err instanceof ConcurrencyError) return false;
      throw err;
    });
    if (!(await recording)) {
      // A flood of posts on one operation: every write lost its ETag race. Nothing was decided by this attempt.
      if (result.outcome === "recorded") return answer(409, "ApprovalBusy", "The operation is being updated by many requests at once; try again.", wantsJson);
      return verified.ok ? answer(410, "ApprovalDecided", "This request was already decided; your attempt changed nothing.", wantsJson) : verified.response;
    }
    if (result.outcome === "notWaiting" && result.ended) return notWaiting(result.ended, wantsJson);
    if (!verified.ok) return verified.response;
    if (result.outcome !== "recorded") return answer(410, "ApprovalDecided", "This request was already decided; your attempt was recorded and changed nothing.", wantsJson);

    const event: ApprovalDecision = { decision, approver: approver ?? "unknown", at, nonce: claims.nonce, ...(form.comment ? { comment: form.comment } : {}) };
    await client.raiseEvent(claims.instanceId, EventNames.approvalDecision, event);
    const verb = decision === "approve" ? "approved" : "rejected";
    return answer(200, verb, `Recorded: ${input.clusterId}, step ${claims.step + 1}, ${verb} by ${event.approver}.`, wantsJson, { operationId: input.operationId });
  };
}

/** Runtime statuses of an approval instance that can still take a decision. */
const WAITING_INSTANCE_STATUSES: readonly string[] = ["Running", "Pending"];

function notWaiting(op: OperationRecord, wantsJson: boolean): HttpResponseInit {
  const by = op.cancellation ? ` by ${op.cancellation.by}` : "";
  return answer(409, "OperationNotWaiting", `Operation ${op.id} is ${op.status}${by}: it waits for no decision. Nothing was recorded.`, wantsJson, { operationId: op.id, status: op.status });
}

/** The approval instance's input and runtime status, or undefined when it does not exist (the one instance reader). */
async function approvalInstance(client: DurableClientPort, instanceId: string): Promise<{ input: ApprovalInput; runtimeStatus: string } | undefined> {
  const instance = await readInstance(client, instanceId, { input: true });
  return instance ? { input: instance.input as ApprovalInput, runtimeStatus: instance.runtimeStatus } : undefined;
}

async function readDecisionForm(request: HttpRequest): Promise<{ decision?: string; comment?: string; approver?: string } | undefined> {
  const text = await readText(request);
  if (text === undefined) return undefined;
  let fields: Record<string, unknown> = {};
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) fields = parsed;
    } catch {
      fields = {};
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const str = (k: string): string | undefined => (typeof fields[k] === "string" && (fields[k]).trim() !== "" ? (fields[k]).trim() : undefined);
  return { ...(str("decision") ? { decision: str("decision") } : {}), ...(str("comment") ? { comment: str("comment") } : {}), ...(str("approver") ? { approver: str("approver") } : {}) };
}

/**
 * App Service authentication passes the signed-in user as `x-ms-client-principal` (base64 JSON
 * with `claims[]` and `name_typ`) and strips that header from client requests, so when present it
 * is authoritative and wins over the form's `approver` (which only local runs use).
 */
export function approverOf(request: HttpRequest): string | undefined {
  const principal = clientPrincipalOf(request);
  if (!principal) return undefined;
  const wanted = [principal.name_typ, "name", "preferred_username", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "upn"].filter(Boolean);
  for (const typ of wanted) {
    const found = principal.claims.find((c) => c.typ === typ && c.val);
    if (found?.val) return found.val;
  }
  return principal.userDetails;
}
