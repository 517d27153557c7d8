import { createHash } from "node:crypto";
import type { TeamsDelivery, StepView } from "../contracts";
import type { TeamsMessageRequest } from "../teams";
import type { ApprovalInput } from "../../approval/approvalOrchestrator";
import {
  approvalRequestCard, operationCancelledCard, operationFailureCard, operationSummaryCard, supportEndingCard, upgradeFailureCard,
  type NonUpgradeOperation, type OperationCancellationNotice, type OperationOutcome, type PlanStepView, type SummaryStep, type SupportEndingAlert, type TeamsMessage
} from "../../../shared/teams/cards";
import type { PostOutcome } from "../../../shared/teams/webhook";
import type { OperationRecord } from "../../../shared/store";
import { isoAt, type ActivityClock, type StorePort } from "./ports";

export interface TeamsChannels {
  /** TEAMS_WEBHOOK_URL. */
  defaultUrl: string;
  /** Platform-wide escalation channel, used when the cluster's policy names none. */
  escalationUrl?: string;
}

export interface PostTeamsMessageDeps {
  store: StorePort;
  channels: TeamsChannels;
  publicBaseUrl: string;
  clock: ActivityClock;
  /** One attempt (shared/teams `postOnce`, with the platform's HTTPS agent). */
  post: (url: string, message: TeamsMessage) => Promise<PostOutcome>;
}

export class UnknownTeamsMessageError extends Error {
  override readonly name = "UnknownTeamsMessageError";
  readonly permanent = true as const;
  constructor(readonly kind: string) {
    super(`No card is defined for Teams message kind '${kind}'`);
  }
}

/**
 * Builds the card and posts it once. Delivered messages are remembered on the operation record
 * (by a hash of kind, channel and payload), so a redelivered activity does not post twice. A
 * throttled or failing webhook answers `{ delivered: false, retryAfterMs }` and the orchestration
 * waits on a durable timer; nothing here sleeps.
 */
export function createPostTeamsMessageActivity(deps: PostTeamsMessageDeps): (request: TeamsMessageRequest) => Promise<TeamsDelivery> {
  return async (request) => {
    const operationId = stringField(request.payload, "operationId");
    const clusterId = stringField(request.payload, "clusterId");
    const key = notificationKey(request);
    const op = operationId && clusterId ? (await deps.store.operations.get(clusterId, operationId))?.doc : undefined;
    if (op?.notifications?.includes(key)) return { delivered: true };

    const url = await channelUrl(deps, request, clusterId);
    const message = buildMessage(deps, request, op);
    const outcome = await deps.post(url, message);
    if (!outcome.delivered) return deliveryOf(outcome);
    if (op && clusterId && operationId) {
      await deps.store.operations.mutate(clusterId, operationId, (doc) =>
        doc.notifications?.includes(key) ? undefined : { ...doc, notifications: [...(doc.notifications ?? []), key] });
    }
    return { delivered: true };
  };
}

/**
 * What one post's outcome tells the orchestration that retries it (orchestrations/common/teams.ts):
 * the one reading of a Teams webhook's answer for every poster. A 4xx other than 408/429 will not
 * get better by retrying (shared/teams/webhook.ts `isRetryableStatus`): permanent, asked no more.
 */
export function deliveryOf(outcome: PostOutcome): TeamsDelivery {
  if (outcome.delivered) return { delivered: true };
  if (!outcome.retryable) return { delivered: false, permanent: true, error: outcome.error };
  return { delivered: false, error: outcome.error, ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}) };
}

export function notificationKey(request: TeamsMessageRequest): string {
  return createHash("sha256").update(JSON.stringify([request.kind, request.channel, request.payload])).digest("hex").slice(0, 24);
}

async function channelUrl(deps: PostTeamsMessageDeps, request: TeamsMessageRequest, clusterId: string | undefined): Promise<string> {
  if (request.channel !== "escalation") return deps.channels.defaultUrl;
  const cluster = clusterId ? (await deps.store.clusters.get(clusterId))?.doc : undefined;
  return cluster?.policy.escalationChannel ?? deps.channels.escalationUrl ?? deps.channels.defaultUrl;
}

function buildMessage(deps: PostTeamsMessageDeps, request: TeamsMessageRequest, op: OperationRecord | undefined): TeamsMessage {
  const p = request.payload;
  const operationUrl = (id: string): string => `${deps.publicBaseUrl}/api/operations/${encodeURIComponent(id)}`;
  switch (request.kind) {
    case "approvalRequest":
    case "approvalEscalation": {
      const input = p as unknown as ApprovalInput & { token: string; deadline: string };
      const escalatedFrom = request.kind === "approvalEscalation"
        ? { deadline: new Date(Date.parse(input.deadline) - input.timeoutMinutes * 60_000).toISOString() }
        : undefined;
      return approvalRequestCard({
        cluster: input.clusterId, environment: input.environment, operationId: input.operationId,
        step: view(input.step), plan: input.plan.map((s) => view(s)), scope: input.scope, deadline: input.deadline,
        publicBaseUrl: deps.publicBaseUrl, token: input.token, ...(escalatedFrom ? { escalatedFrom } : {}),
        ...(op && "provisioning" in op ? { purpose: "provisioning" as const } : {}),
        ...(op?.plan?.readiness ? { readiness: op.plan.readiness.checks } : {}),
        ...(input.force ? { force: input.force } : {})
      });
    }
    case "operationFailed":
    case "upgradeFailed": {
      const step = p.failedStep as StepView | undefined;
      const error = (p.error as { code: string; message: string } | undefined) ?? { code: "Unknown", message: stringField(p, "message") ?? "" };
      // The message kind is the failure notice of every operation; the card says what the operation was.
      const operation = nonUpgradeOperation(op?.kind, stringField(p, "target"));
      if (operation) {
        const failed = op?.steps.find((s) => s.status === "Failed");
        return operationFailureCard({
          operation, cluster: String(p.clusterId), environment: String(p.environment), operationId: String(p.operationId),
          ...(failed ? { step: { index: failed.index, name: failed.name } } : {}),
          error, at: isoAt(deps.clock), operationUrl: operationUrl(String(p.operationId))
        });
      }
      return upgradeFailureCard({
        cluster: String(p.clusterId), environment: String(p.environment), operationId: String(p.operationId),
        step: step ? view(step) : { index: 0, kind: "controlPlane", from: "", to: stringField(p, "target") ?? "" },
        error, at: isoAt(deps.clock), operationUrl: operationUrl(String(p.operationId))
      });
    }
    case "operationSummary":
    case "upgradeSummary":
      return operationSummaryCard({
        cluster: String(p.clusterId), environment: String(p.environment), operationId: String(p.operationId), kind: "kubernetes",
        outcome: String(p.status) as OperationOutcome, target: stringField(p, "target") ?? "",
        startedAt: op?.timings.startedAt ?? op?.timings.createdAt ?? isoAt(deps.clock), endedAt: op?.timings.endedAt ?? isoAt(deps.clock),
        steps: op ? summarySteps(op) : [], message: stringField(p, "message") ?? "", operationUrl: operationUrl(String(p.operationId))
      });
    case "supportEnding":
      return supportEndingCard(p as unknown as SupportEndingAlert);
    case "operationCancelled": {
      const notice = p as unknown as Omit<OperationCancellationNotice, "cluster" | "operationUrl"> & { clusterId: string };
      return operationCancelledCard({ ...notice, cluster: notice.clusterId, operationUrl: operationUrl(notice.operationId) });
    }
    default:
      throw new UnknownTeamsMessageError(String(request.kind));
  }
}

/**
 * Every operation posts its failure as `operationFailed` (`upgradeFailed` in histories recorded
 * before the rename); the operation record says what it was, and the payload's `target` when the
 * record cannot be read (`baseline`, `adopted`).
 */
function nonUpgradeOperation(kind: OperationRecord["kind"] | undefined, target: string | undefined): NonUpgradeOperation | undefined {
  if (kind === "provisioning" || kind === "adoption" || kind === "governance") return kind;
  if (kind === undefined && target === "baseline") return "provisioning";
  if (kind === undefined && target === "adopted") return "adoption";
  return undefined;
}

function summarySteps(op: OperationRecord): SummaryStep[] {
  return op.steps.map((s) => {
    const approval = op.approvals.find((a) => a.decision === "approve" && !a.ignored && (a.step === s.index || a.step === -1));
    return {
      index: s.index, kind: s.kind === "nodePool" ? "nodePool" : "controlPlane", ...(s.pool ? { pool: s.pool } : {}), from: s.from, to: s.to,
      status: s.status, ...(s.startedAt ? { startedAt: s.startedAt } : {}), ...(s.endedAt ? { endedAt: s.endedAt } : {}),
      ...(approval ? { approvedBy: approval.approver } : {}), ...(s.error ? { note: `${s.error.code}: ${s.error.message}` } : {})
    };
  });
}

function view(step: StepView): PlanStepView {
  return { index: step.index, kind: step.kind, ...(step.pool ? { pool: step.pool } : {}), from: step.from, to: step.to };
}

function stringField(payload: Record<string, unknown>, key: string): string | undefined {
  const v = payload[key];
  return typeof v === "string" ? v : undefined;
}
