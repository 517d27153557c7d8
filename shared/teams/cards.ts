import {
  type CardElement, type OpenUrlAction, type TeamsMessage, banner, bounded, durationBetween, escapeMarkdown, facts, heading, localTime, markdownText, teamsMessage, text
} from "./adaptiveCard";

export * from "./adaptiveCard";
export { nodeImageRingSummaryCard, type NodeImageRingSummary, type RingClusterResult } from "./rolloutCards";

export interface PlanStepView {
  index: number;
  kind: "controlPlane" | "nodePool" | "nodeImage";
  pool?: string;
  from: string;
  to: string;
  status?: "Pending" | "AwaitingApproval" | "Running" | "Succeeded" | "Failed" | "Skipped" | "Rejected" | "Expired" | "Blocked";
}

export interface ApprovalRequest {
  cluster: string;
  environment: string;
  operationId: string;
  /** The step being approved; for `oncePerUpgrade` the first step, and the card says it covers the whole plan. */
  step: PlanStepView;
  plan: PlanStepView[];
  /** `upgrade`: the name stored before `operation`. */
  scope: "step" | "operation" | "upgrade";
  /** When the request expires (ISO). */
  deadline: string;
  /** `PUBLIC_BASE_URL`: links go to `${publicBaseUrl}/api/approvals/{token}?decision=…`. */
  publicBaseUrl: string;
  token: string;
  /** Set on the second card sent to the escalation channel after the first deadline passed. */
  escalatedFrom?: { deadline: string };
  /** What the plan does: an upgrade (default), or provisioning a baseline cluster (each step one resource, its title in `to`). */
  purpose?: "upgrade" | "provisioning";
  /** The readiness checks stored on the plan (issue 30): those not `pass` are shown. */
  readiness?: { id: string; status: "pass" | "warn" | "fail"; evidence: string }[];
  /**
   * A force decision (issue 30): AKS blocked the step on deprecated-API usage (its message);
   * approving writes `upgradeSettings.overrideSettings {forceUpgrade: true, until}` for that upgrade.
   */
  force?: { windowHours: number; blockedMessage: string };
}

export function stepLabel(step: Pick<PlanStepView, "kind" | "pool">): string {
  if (step.kind === "controlPlane") return "control plane";
  return step.kind === "nodeImage" ? `node image, pool ${step.pool ?? "?"}` : `pool ${step.pool ?? "?"}`;
}

/**
 * The Approve / Reject links. They open the platform's confirmation page (`GET`, which changes
 * nothing, because link scanners and previews fetch URLs); the decision is the page's `POST`.
 */
export function approvalLinks(publicBaseUrl: string, token: string): { approve: string; reject: string } {
  const base = `${publicBaseUrl.replace(/\/+$/, "")}/api/approvals/${encodeURIComponent(token)}`;
  return { approve: `${base}?decision=approve`, reject: `${base}?decision=reject` };
}

function planFacts(plan: PlanStepView[], current?: number, provisioning = false): CardElement {
  const { shown, omitted } = bounded(plan, 40);
  const entries: [string, string][] = provisioning ? shown.map((s) => [`${s.index + 1}.`, s.to]) : shown.map((s) => [
    `${s.index + 1}. ${stepLabel(s)}`,
    `${s.from} → ${s.to}${s.index === current ? " ◀ this step" : ""}${s.status && s.index !== current ? ` (${s.status})` : ""}`
  ]);
  if (omitted > 0) entries.push(["…", `${omitted} more steps`]);
  return facts(entries);
}

export function approvalRequestCard(request: ApprovalRequest): TeamsMessage {
  if (request.force) return forceUpgradeCard(request, request.force);
  const links = approvalLinks(request.publicBaseUrl, request.token);
  const cluster = escapeMarkdown(request.cluster);
  const provisioning = request.purpose === "provisioning";
  const what = provisioning
    ? `Approve provisioning of **${cluster}** (${request.plan.length} resources to write)`
    : request.scope === "operation" || request.scope === "upgrade"
      ? `Approve the whole upgrade of **${cluster}** (${request.plan.length} steps)`
      : `Approve step ${request.step.index + 1} of ${request.plan.length} on **${cluster}**: ${escapeMarkdown(`${stepLabel(request.step)} ${request.step.from} → ${request.step.to}`)}`;
  const body: CardElement[] = [];
  if (request.escalatedFrom) {
    body.push(banner("warning", [text(`Escalated: nobody decided before ${localTime(request.escalatedFrom.deadline)}.`, { weight: "bolder" })]));
  }
  body.push(
    heading(`Approval needed: ${request.cluster} (${request.environment})`),
    markdownText(what),
    facts([
      ["Cluster", request.cluster],
      ["Environment", request.environment],
      ...(provisioning ? [["Resources", String(request.plan.length)] as [string, string]] : [
        ["Step", `${request.step.index + 1}. ${stepLabel(request.step)}`] as [string, string],
        ["Change", `${request.step.from} → ${request.step.to}`] as [string, string]
      ]),
      ["Operation", request.operationId],
      ["Deadline", request.deadline]
    ]),
    text(provisioning ? "Resources" : "Plan", { weight: "bolder", spacing: "medium" }),
    planFacts(request.plan, request.scope === "step" ? request.step.index : undefined, provisioning)
  );
  const concerns = (request.readiness ?? []).filter((c) => c.status !== "pass");
  if (concerns.length > 0) {
    const { shown, omitted } = bounded(concerns, 10);
    body.push(banner("warning", [
      text(`Readiness: ${concerns.length} check(s) not passing`, { weight: "bolder" }),
      facts([...shown.map((c): [string, string] => [`${c.status} ${c.id}`, c.evidence]), ...(omitted > 0 ? [["…", `${omitted} more`] as [string, string]] : [])])
    ]));
  }
  body.push(
    text(`Decide before ${localTime(request.deadline)}. Without a decision the request expires and nothing changes.`, { isSubtle: true, size: "small" })
  );
  const actions: OpenUrlAction[] = [
    { type: "Action.OpenUrl", title: "Approve", url: links.approve, style: "positive" },
    { type: "Action.OpenUrl", title: "Reject", url: links.reject, style: "destructive" }
  ];
  return teamsMessage(body, actions);
}

/**
 * The force decision: a separate card (its own signed single-use link) after AKS blocked a
 * control-plane step on deprecated-API usage, naming what AKS named and what forcing costs.
 */
function forceUpgradeCard(request: ApprovalRequest, force: { windowHours: number; blockedMessage: string }): TeamsMessage {
  const links = approvalLinks(request.publicBaseUrl, request.token);
  const change = `${stepLabel(request.step)} ${request.step.from} → ${request.step.to}`;
  const body: CardElement[] = [];
  if (request.escalatedFrom) {
    body.push(banner("warning", [text(`Escalated: nobody decided before ${localTime(request.escalatedFrom.deadline)}.`, { weight: "bolder" })]));
  }
  body.push(
    banner("attention", [heading(`Force the upgrade? ${request.cluster} (${request.environment})`, "attention")]),
    markdownText(`AKS blocked step ${request.step.index + 1} (${escapeMarkdown(change)}): a Kubernetes API removed in ${escapeMarkdown(request.step.to)} was used in the last 12 hours.`),
    facts([
      ["Cluster", request.cluster],
      ["Environment", request.environment],
      ["Step", `${request.step.index + 1}. ${change}`],
      ["AKS said", truncate(force.blockedMessage, 1200)],
      ["Override window", `${force.windowHours} hour(s) from the decision`],
      ["Operation", request.operationId],
      ["Deadline", request.deadline]
    ]),
    markdownText("Approve sets `upgradeSettings.overrideSettings` (`forceUpgrade: true`, `until` the end of the window) and runs the upgrade again; the deprecated calls **fail after the upgrade**. The platform clears the override when the upgrade ends. Reject leaves the operation Blocked: migrate the usage and start the upgrade again.", { size: "small" }),
    text(`Decide before ${localTime(request.deadline)}. Without a decision nothing is forced.`, { isSubtle: true, size: "small" })
  );
  const actions: OpenUrlAction[] = [
    { type: "Action.OpenUrl", title: "Force upgrade", url: links.approve, style: "destructive" },
    { type: "Action.OpenUrl", title: "Reject", url: links.reject, style: "positive" }
  ];
  return teamsMessage(body, actions);
}

export interface UpgradeFailure {
  cluster: string;
  environment: string;
  operationId: string;
  step: PlanStepView;
  error: { code: string; message: string };
  at: string;
  /** e.g. `${PUBLIC_BASE_URL}/api/operations/{id}`. */
  operationUrl?: string;
}

export function upgradeFailureCard(failure: UpgradeFailure): TeamsMessage {
  const body: CardElement[] = [
    banner("attention", [heading(`Upgrade failed: ${failure.cluster} (${failure.environment})`, "attention")]),
    text(`Step ${failure.step.index + 1}, ${stepLabel(failure.step)} ${failure.step.from} → ${failure.step.to}, failed. No further steps will run.`),
    facts([
      ["Error code", failure.error.code],
      ["Error", truncate(failure.error.message, 1000)],
      ["At", failure.at],
      ["Operation", failure.operationId]
    ]),
    markdownText("Once the cause is fixed, `POST /api/clusters/{id}/upgrades` resumes from the failed step.", { isSubtle: true, size: "small" })
  ];
  return teamsMessage(body, failure.operationUrl ? [{ type: "Action.OpenUrl", title: "Open operation", url: failure.operationUrl }] : undefined);
}

/** What failed, for operations that are not upgrades (a card's heading and its advice follow from it). */
export type NonUpgradeOperation = "provisioning" | "adoption" | "governance";

const NON_UPGRADE_WORDS: Record<NonUpgradeOperation, { heading: string; resume: string }> = {
  provisioning: { heading: "Provisioning failed", resume: "Once the cause is fixed, the same `POST /api/clusters` request plans again from ARM and carries on at the failed resource." },
  adoption: { heading: "Adoption failed", resume: "Once the cause is fixed, the same `POST /api/clusters/adopt` request runs the adoption again." },
  governance: { heading: "Governance change failed", resume: "The next governance sweep or resource event tries again." }
};

export interface OperationFailure {
  operation: NonUpgradeOperation;
  cluster: string;
  environment: string;
  operationId: string;
  /** The step that failed, as the operation record names it; none when it failed before its first step (planning). */
  step?: { index: number; name: string };
  error: { code: string; message: string };
  at: string;
  operationUrl?: string;
}

/** A failed provisioning, adoption or governance change: worded by what it was, never "Upgrade failed". */
export function operationFailureCard(failure: OperationFailure): TeamsMessage {
  const words = NON_UPGRADE_WORDS[failure.operation];
  const body: CardElement[] = [
    banner("attention", [heading(`${words.heading}: ${failure.cluster} (${failure.environment})`, "attention")]),
    text(failure.step ? `Step ${failure.step.index + 1}, ${failure.step.name}, failed. No further steps will run.` : "It failed before its first step; nothing was changed."),
    facts([
      ["Error code", failure.error.code],
      ["Error", truncate(failure.error.message, 1000)],
      ["At", failure.at],
      ["Operation", failure.operationId]
    ]),
    markdownText(words.resume, { isSubtle: true, size: "small" })
  ];
  return teamsMessage(body, failure.operationUrl ? [{ type: "Action.OpenUrl", title: "Open operation", url: failure.operationUrl }] : undefined);
}

export type OperationOutcome = "Succeeded" | "Failed" | "Rejected" | "Expired" | "Cancelled";

export interface SummaryStep extends PlanStepView {
  startedAt?: string;
  endedAt?: string;
  approvedBy?: string;
  note?: string;
}

export interface OperationSummary {
  cluster: string;
  environment: string;
  operationId: string;
  kind: "kubernetes" | "nodeImage";
  outcome: OperationOutcome;
  target?: string;
  startedAt: string;
  endedAt: string;
  steps: SummaryStep[];
  message?: string;
  operationUrl?: string;
}

const OUTCOME_STYLE = { Succeeded: "good", Failed: "attention", Rejected: "warning", Expired: "warning", Cancelled: "warning", Blocked: "warning" } as const;

export function operationSummaryCard(summary: OperationSummary): TeamsMessage {
  const what = summary.kind === "kubernetes" ? `Kubernetes upgrade${summary.target ? ` to ${summary.target}` : ""}` : "Node image upgrade";
  const { shown, omitted } = bounded(summary.steps, 40);
  const rows: [string, string][] = shown.map((s) => [
    `${s.index + 1}. ${stepLabel(s)}`,
    [`${s.from} → ${s.to}`, s.status ?? "Pending", durationBetween(s.startedAt, s.endedAt), s.approvedBy ? `approved by ${s.approvedBy}` : "", s.note ?? ""]
      .filter((p) => p && p !== "—").join(" · ")
  ]);
  if (omitted > 0) rows.push(["…", `${omitted} more steps`]);
  const counts = countBy(summary.steps.map((s) => s.status ?? "Pending"));
  const body: CardElement[] = [
    banner(OUTCOME_STYLE[summary.outcome], [heading(`${what} ${summary.outcome.toLowerCase()}: ${summary.cluster} (${summary.environment})`)]),
    facts([
      ["Outcome", summary.outcome],
      ["Steps", Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ") || "none"],
      ["Started", summary.startedAt],
      ["Ended", summary.endedAt],
      ["Duration", durationBetween(summary.startedAt, summary.endedAt)],
      ["Operation", summary.operationId]
    ])
  ];
  if (summary.message) body.push(text(truncate(summary.message, 1000)));
  if (rows.length > 0) body.push(text("Steps", { weight: "bolder", spacing: "medium" }), facts(rows));
  return teamsMessage(body, summary.operationUrl ? [{ type: "Action.OpenUrl", title: "Open operation", url: summary.operationUrl }] : undefined);
}

export interface OperationCancellationNotice {
  cluster: string;
  environment?: string;
  operationId: string;
  /** What the operation was: `kubernetesUpgrade`, `nodeImageRollout`, `governance`, ... */
  kind: string;
  target?: string;
  by: string;
  reason?: string;
  at: string;
  /** What it was doing when cancelled (`AwaitingApproval`, `Queued`, `Running`). */
  previousStatus: string;
  operationUrl?: string;
}

const KIND_LABEL: Record<string, string> = {
  kubernetesUpgrade: "Kubernetes upgrade", nodeImageRollout: "Node image upgrade", adoption: "Adoption", provisioning: "Provisioning",
  governance: "Governance remediation", autoUpgradeDisable: "Auto-upgrade change"
};

/**
 * An operator cancelled an operation (`POST /api/operations/{id}/cancel`). A webhook cannot edit
 * the approval card posted earlier, so this card says its links no longer decide anything.
 */
export function operationCancelledCard(notice: OperationCancellationNotice): TeamsMessage {
  const what = `${KIND_LABEL[notice.kind] ?? "Operation"}${notice.target ? ` to ${notice.target}` : ""}`;
  const body: CardElement[] = [
    banner("warning", [heading(`${what} cancelled: ${notice.cluster}${notice.environment ? ` (${notice.environment})` : ""}`)]),
    facts([
      ["Cancelled by", notice.by],
      ["Reason", truncate(notice.reason ?? "none given", 500)],
      ["At", notice.at],
      ["Was", notice.previousStatus],
      ["Operation", notice.operationId]
    ]),
    text(notice.previousStatus === "AwaitingApproval"
      ? "Its approval links no longer decide anything; nothing more will run. The cluster's queued operations go ahead."
      : "Nothing more will run; a step already started in AKS finishes there. The cluster's queued operations go ahead.")
  ];
  return teamsMessage(body, notice.operationUrl ? [{ type: "Action.OpenUrl", title: "Open operation", url: notice.operationUrl }] : undefined);
}

export interface SupportEndingAlert {
  cluster: string;
  environment: string;
  kubernetesVersion: string;
  /** `ClusterSupportEnded` rather than `ClusterSupportEnding`. */
  ended: boolean;
  eventTime: string;
  /** The upgrade the platform proposes (it starts under the cluster's approval policy). */
  proposal?: { target: string; steps: number; operationUrl?: string };
}

export function supportEndingCard(alert: SupportEndingAlert): TeamsMessage {
  const headline = alert.ended
    ? `Kubernetes ${alert.kubernetesVersion} is out of support on ${alert.cluster}`
    : `Support for Kubernetes ${alert.kubernetesVersion} is ending on ${alert.cluster}`;
  const body: CardElement[] = [
    banner(alert.ended ? "attention" : "warning", [heading(headline)]),
    facts([["Cluster", alert.cluster], ["Environment", alert.environment], ["Version", alert.kubernetesVersion], ["Reported", alert.eventTime]]),
    text(alert.proposal
      ? `Proposed: upgrade to ${alert.proposal.target} in ${alert.proposal.steps} steps, following the cluster's approval policy.`
      : "No upgrade could be proposed automatically; check the cluster's policy and the versions AKS offers.")
  ];
  return teamsMessage(body, alert.proposal?.operationUrl ? [{ type: "Action.OpenUrl", title: "Open proposed upgrade", url: alert.proposal.operationUrl }] : undefined);
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
