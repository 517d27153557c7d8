import type { ApprovalInput } from "../../orchestrations/approval/approvalOrchestrator";
import { escapeHtml, page } from "./pages";
import { coversWholeOperation } from "../../orchestrations/common/contracts";

export { escapeHtml };

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${escapeHtml(message)}</p>`);
}

/**
 * The confirmation page behind a card's Approve / Reject link. It only shows and asks: link
 * scanners and previews fetch URLs, so a GET must never decide. The decision is the form's POST.
 */
export function confirmationPage(input: ApprovalInput & { deadline: string; preselect?: string; askApprover: boolean; purpose?: "upgrade" | "provisioning" }, actionUrl: string): string {
  if (input.purpose === "provisioning") return provisioningPage(input, actionUrl);
  const step = input.step;
  const what = step.kind === "controlPlane" ? "control plane" : `pool ${step.pool ?? "?"}`;
  const scope = coversWholeOperation(input.scope) ? `the whole operation (${input.plan.length} steps)` : `step ${step.index + 1} of ${input.plan.length}`;
  const plan = input.plan.map((s) => `<li>${escapeHtml(s.kind === "controlPlane" ? "control plane" : `pool ${s.pool ?? "?"}`)}: ${escapeHtml(s.from)} → ${escapeHtml(s.to)}</li>`).join("");
  return page(`Approve ${coversWholeOperation(input.scope) ? "operation" : "step"} on ${input.clusterId}?`, `
<dl>
<dt>Cluster</dt><dd>${escapeHtml(input.clusterId)} (${escapeHtml(input.environment)})</dd>
<dt>Decision for</dt><dd>${escapeHtml(scope)}</dd>
<dt>Step</dt><dd>${escapeHtml(what)}: ${escapeHtml(step.from)} → ${escapeHtml(step.to)}</dd>
<dt>Deadline</dt><dd>${escapeHtml(input.deadline)}</dd>
<dt>Operation</dt><dd>${escapeHtml(input.operationId)}</dd>
</dl>
<h2>Plan</h2><ol>${plan}</ol>
${decisionForm(input, actionUrl)}`);
}

/** The provisioning variant: one decision for the whole plan, each step one resource (its title). */
function provisioningPage(input: ApprovalInput & { deadline: string; preselect?: string; askApprover: boolean }, actionUrl: string): string {
  const resources = input.plan.map((s) => `<li>${escapeHtml(s.to)}</li>`).join("");
  return page(`Approve provisioning of ${input.clusterId}?`, `
<dl>
<dt>Cluster</dt><dd>${escapeHtml(input.clusterId)} (${escapeHtml(input.environment)})</dd>
<dt>Decision for</dt><dd>${escapeHtml(`provisioning the baseline (${input.plan.length} resources to write)`)}</dd>
<dt>Deadline</dt><dd>${escapeHtml(input.deadline)}</dd>
<dt>Operation</dt><dd>${escapeHtml(input.operationId)}</dd>
</dl>
<h2>Resources</h2><ol>${resources}</ol>
${decisionForm(input, actionUrl)}`);
}

/** The decision form both pages end with (the POST decides). */
function decisionForm(input: { preselect?: string; askApprover: boolean }, actionUrl: string): string {
  const checked = (d: string): string => (input.preselect === d ? " checked" : "");
  return `<form method="post" action="${escapeHtml(actionUrl)}">
<fieldset><legend>Decision</legend>
<label><input type="radio" name="decision" value="approve"${checked("approve")} required> Approve</label>
<label><input type="radio" name="decision" value="reject"${checked("reject")}> Reject</label>
</fieldset>
<p><label>Comment (optional)<br><textarea name="comment" rows="3" cols="60" maxlength="1000"></textarea></label></p>
${input.askApprover ? `<p><label>Your name<br><input name="approver" required maxlength="200"></label></p>` : ""}
<p><button type="submit">Record decision</button></p>
</form>`;
}
