import { validateTeamsPayload } from "../../local/azure/teams/cardValidation";
import { verifyApprovalToken, signApprovalToken } from "../../shared/approvals/token";
import {
  type PlanStepView, TEAMS_MESSAGE_LIMIT_BYTES, approvalLinks, approvalRequestCard, formatDuration, messageSizeBytes,
  nodeImageRingSummaryCard, operationCancelledCard, operationSummaryCard, supportEndingCard, upgradeFailureCard, type TeamsMessage
} from "../../shared/teams/cards";
import { cardProblems, cardText } from "./cardRules";

const plan: PlanStepView[] = [
  { index: 0, kind: "controlPlane", from: "1.30.3", to: "1.31.2" },
  { index: 1, kind: "controlPlane", from: "1.31.2", to: "1.32.3" },
  { index: 2, kind: "nodePool", pool: "system", from: "1.30.3", to: "1.32.3" },
  { index: 3, kind: "nodePool", pool: "user", from: "1.30.3", to: "1.32.3" }
];
const key = "test-signing-key-0123456789abcdef";

function expectValid(message: TeamsMessage): void {
  expect(cardProblems(message)).toEqual([]);
  expect(validateTeamsPayload(message)).toEqual({ kind: "adaptiveCard", errors: [] });
  expect(messageSizeBytes(message)).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);
}

function actionsOf(message: TeamsMessage): { title: string; url: string }[] {
  return (message.attachments[0].content.actions ?? []).map(({ title, url }) => ({ title, url }));
}

describe("approvalRequestCard", () => {
  const token = signApprovalToken({ instanceId: "k8s-upgrade:aks-prod:1.32.3", step: 2, expiresAt: "2026-11-22T10:00:00.000Z", nonce: "n1" }, key);
  const request = {
    cluster: "aks-prod", environment: "prod", operationId: "op-123", step: plan[2]!, plan, scope: "step" as const,
    deadline: "2026-11-22T10:00:00.000Z", publicBaseUrl: "https://aksops.example.com/", token
  };

  it("is a valid webhook card with the cluster, step, change, plan and deadline", () => {
    const card = approvalRequestCard(request);
    expectValid(card);
    const textContent = cardText(card);
    for (const expected of ["aks-prod", "prod", "3. pool system", "1.30.3 → 1.32.3", "op-123", "2026-11-22T10:00:00.000Z", "1. control plane", "4. pool user", "◀ this step"]) {
      expect(textContent).toContain(expected);
    }
    expect(textContent).toContain("{{DATE(2026-11-22T10:00:00Z, SHORT)}}");
  });

  it("Approve and Reject are OpenUrl links to the confirmation page carrying a token that verifies", () => {
    const actions = actionsOf(approvalRequestCard(request));
    expect(actions).toEqual([
      { title: "Approve", url: `https://aksops.example.com/api/approvals/${token}?decision=approve` },
      { title: "Reject", url: `https://aksops.example.com/api/approvals/${token}?decision=reject` }
    ]);
    const fromLink = new URL(actions[0]!.url).pathname.split("/").at(-1)!;
    expect(verifyApprovalToken(decodeURIComponent(fromLink), key, "2026-11-21T10:00:00Z")).toMatchObject({ ok: true, claims: { step: 2 } });
  });

  it("a once-per-upgrade request says it covers the whole plan and marks no single step", () => {
    const card = approvalRequestCard({ ...request, scope: "upgrade", step: plan[0]! });
    expectValid(card);
    expect(cardText(card)).toContain("Approve the whole upgrade of **aks-prod** (4 steps)");
    expect(cardText(card)).not.toContain("◀ this step");
  });

  it("an escalated request says so first", () => {
    const card = approvalRequestCard({ ...request, escalatedFrom: { deadline: "2026-11-21T10:00:00Z" } });
    expectValid(card);
    const first = card.attachments[0].content.body[0];
    expect(first).toMatchObject({ type: "Container", style: "warning" });
    expect(cardText(first)).toContain("Escalated");
  });

  it("approvalLinks encodes the token and tolerates a trailing slash", () => {
    expect(approvalLinks("http://127.0.0.1:7071//", "a.b")).toEqual({
      approve: "http://127.0.0.1:7071/api/approvals/a.b?decision=approve",
      reject: "http://127.0.0.1:7071/api/approvals/a.b?decision=reject"
    });
    expect(approvalLinks("https://x", "a/b").approve).toBe("https://x/api/approvals/a%2Fb?decision=approve");
  });

  it("bounds a very long plan", () => {
    const long = Array.from({ length: 120 }, (_, i): PlanStepView => ({ index: i, kind: "nodePool", pool: `pool${i}`, from: "1.30.3", to: "1.31.2" }));
    const card = approvalRequestCard({ ...request, plan: long, step: long[0]! });
    expectValid(card);
    expect(cardText(card)).toContain("80 more steps");
  });
});

describe("upgradeFailureCard", () => {
  it("names the step, the ARM error and how to resume", () => {
    const card = upgradeFailureCard({
      cluster: "aks-staging", environment: "staging", operationId: "op-9", step: plan[3]!,
      error: { code: "UpgradeFailed", message: "Drain of node aks-user-1 did not complete within 30m" }, at: "2026-11-21T11:00:00Z",
      operationUrl: "https://aksops.example.com/api/operations/op-9"
    });
    expectValid(card);
    const content = cardText(card);
    for (const expected of ["Upgrade failed: aks-staging (staging)", "Step 4, pool user 1.30.3 → 1.32.3", "UpgradeFailed", "Drain of node", "resumes from the failed step"]) {
      expect(content).toContain(expected);
    }
    expect(actionsOf(card)).toEqual([{ title: "Open operation", url: "https://aksops.example.com/api/operations/op-9" }]);
  });

  it("truncates an enormous error message", () => {
    const card = upgradeFailureCard({ cluster: "c", environment: "dev", operationId: "o", step: plan[0]!, error: { code: "X", message: "e".repeat(50_000) }, at: "2026-11-21T11:00:00Z" });
    expectValid(card);
    expect(card.attachments[0].content.actions).toBeUndefined();
  });
});

describe("operationSummaryCard", () => {
  const steps = plan.map((s, i) => ({
    ...s, status: "Succeeded" as const, startedAt: `2026-11-21T10:${String(i * 10).padStart(2, "0")}:00Z`, endedAt: `2026-11-21T10:${String(i * 10 + 7).padStart(2, "0")}:30Z`,
    approvedBy: "ops@contoso.com"
  }));

  it.each(["Succeeded", "Failed", "Rejected", "Expired"] as const)("renders a %s outcome", (outcome) => {
    const card = operationSummaryCard({
      cluster: "aks-prod", environment: "prod", operationId: "op-1", kind: "kubernetes", outcome, target: "1.32.3",
      startedAt: "2026-11-21T09:55:00Z", endedAt: "2026-11-21T10:37:30Z", steps, message: outcome === "Succeeded" ? undefined : `ended ${outcome}`
    });
    expectValid(card);
    const content = cardText(card);
    expect(content).toContain(`Kubernetes upgrade to 1.32.3 ${outcome.toLowerCase()}: aks-prod (prod)`);
    expect(content).toContain("4 Succeeded");
    expect(content).toContain("42m 30s");
    expect(content).toContain("1.30.3 → 1.31.2 · Succeeded · 7m 30s · approved by ops@contoso.com");
  });

  it("counts steps by status and handles missing timings", () => {
    const card = operationSummaryCard({
      cluster: "aks-dev", environment: "dev", operationId: "op-2", kind: "nodeImage", outcome: "Failed",
      startedAt: "2026-11-21T09:00:00Z", endedAt: "2026-11-21T09:30:00Z",
      steps: [{ index: 0, kind: "nodeImage", pool: "user", from: "AKSUbuntu-2204-202611.01", to: "AKSUbuntu-2204-202611.15", status: "Failed" }, { index: 1, kind: "nodeImage", pool: "batch", from: "a", to: "b" }]
    });
    expectValid(card);
    expect(cardText(card)).toContain("1 Failed, 1 Pending");
    expect(cardText(card)).toContain("Node image upgrade failed: aks-dev (dev)");
  });

  it("formatDuration reads like an operator writes", () => {
    expect([0, 42_000, 65_000, 3_600_000 + 5 * 60_000, 26 * 3_600_000].map(formatDuration)).toEqual(["0s", "42s", "1m 5s", "1h 5m", "1d 2h"]);
    expect(formatDuration(-1)).toBe("—");
  });
});

describe("supportEndingCard", () => {
  it("alerts with the proposal when there is one", () => {
    const card = supportEndingCard({ cluster: "aks-dev", environment: "dev", kubernetesVersion: "1.29.9", ended: false, eventTime: "2026-11-21T08:00:00Z", proposal: { target: "1.31.2", steps: 4, operationUrl: "https://x/api/operations/1" } });
    expectValid(card);
    expect(cardText(card)).toContain("Support for Kubernetes 1.29.9 is ending on aks-dev");
    expect(cardText(card)).toContain("upgrade to 1.31.2 in 4 steps");
  });

  it("says when support has ended and nothing could be proposed", () => {
    const card = supportEndingCard({ cluster: "aks-dev", environment: "dev", kubernetesVersion: "1.27.3", ended: true, eventTime: "2026-11-21T08:00:00Z" });
    expectValid(card);
    expect(card.attachments[0].content.body[0]).toMatchObject({ style: "attention" });
    expect(cardText(card)).toContain("No upgrade could be proposed");
  });
});

describe("operationCancelledCard", () => {
  it("names who cancelled, why and what it was doing, and says the approval links no longer decide", () => {
    const card = operationCancelledCard({
      cluster: "aks-prod", environment: "prod", operationId: "k8s-upgrade:aks-prod:1.36.2", kind: "kubernetesUpgrade", target: "1.36.2",
      by: "carol@contoso.com", reason: "change freeze", at: "2026-11-21T08:00:00Z", previousStatus: "AwaitingApproval", operationUrl: "https://x/api/operations/1"
    });
    expectValid(card);
    expect(cardText(card)).toContain("Kubernetes upgrade to 1.36.2 cancelled: aks-prod (prod)");
    expect(cardText(card)).toContain("carol@contoso.com");
    expect(cardText(card)).toContain("change freeze");
    expect(cardText(card)).toContain("approval links no longer decide anything");
    expect(actionsOf(card)).toEqual([{ title: "Open operation", url: "https://x/api/operations/1" }]);
  });

  it("bounds a long reason and reads without environment, target or link", () => {
    const card = operationCancelledCard({ cluster: "c", operationId: "o", kind: "governance", by: "b", reason: "r".repeat(5000), at: "2026-11-21T08:00:00Z", previousStatus: "Queued" });
    expectValid(card);
    expect(cardText(card)).toContain("Governance remediation cancelled: c");
    expect(cardText(card).length).toBeLessThan(2000);
  });
});

describe("nodeImageRingSummaryCard", () => {
  it("lists failures first with reasons and pools", () => {
    const card = nodeImageRingSummaryCard({
      rolloutId: "node-image:2026-W47", ring: 0, ringName: "dev", outcome: "completed", failureBudget: { allowed: 1, failed: 1 },
      nextRingAt: "2026-11-25T01:00:00Z", nextRingName: "staging",
      clusters: [
        { cluster: "aks-dev-a", environment: "dev", result: "upgraded", pools: [{ pool: "user", from: "v1", to: "v2", result: "upgraded" }] },
        { cluster: "aks-dev-b", environment: "dev", result: "failed", reason: "health gate: 2/3 nodes Ready" },
        { cluster: "aks-dev-c", environment: "dev", result: "skipped", reason: "window closed before its turn" },
        { cluster: "aks-dev-d", environment: "dev", result: "current" }
      ]
    });
    expectValid(card);
    const content = cardText(card);
    expect(content.indexOf("aks-dev-b")).toBeLessThan(content.indexOf("aks-dev-c"));
    expect(content.indexOf("aks-dev-c")).toBeLessThan(content.indexOf("aks-dev-a"));
    expect(content).toContain("failed: health gate: 2/3 nodes Ready");
    expect(content).toContain("user: upgraded v1 → v2");
    expect(content).toContain("Next ring (staging) starts after the soak");
  });

  it("a stopped rollout says the budget was exceeded and later rings are held", () => {
    const card = nodeImageRingSummaryCard({
      rolloutId: "r", ring: 0, ringName: "dev", outcome: "stopped", failureBudget: { allowed: 0, failed: 1 }, nextRingName: "staging",
      clusters: [{ cluster: "aks-dev", environment: "dev", result: "failed", reason: "UpgradeFailed" }]
    });
    expectValid(card);
    expect(card.attachments[0].content.body[0]).toMatchObject({ style: "attention" });
    expect(cardText(card)).toContain("exceeded the ring's budget");
    expect(cardText(card)).toContain("staging is held");
  });

  it("stays under Teams' size limit for a ring of 500 clusters", () => {
    const clusters = Array.from({ length: 500 }, (_, i) => ({
      cluster: `aks-fleet-${String(i).padStart(3, "0")}`, environment: "prod", result: "upgraded" as const,
      pools: [1, 2, 3].map((p) => ({ pool: `pool${p}`, from: "AKSUbuntu-2204gen2containerd-202611.01.0", to: "AKSUbuntu-2204gen2containerd-202611.15.0", result: "upgraded" as const }))
    }));
    const card = nodeImageRingSummaryCard({ rolloutId: "r", ring: 2, ringName: "prod", outcome: "completed", failureBudget: { allowed: 5, failed: 0 }, clusters });
    expectValid(card);
    expect(cardText(card)).toContain("475 more clusters");
    expect(cardText(card)).toContain("500");
  });
});

describe("user text in cards is literal, never Markdown", () => {
  it("a reject comment with a link, emphasis, HTML and line breaks renders as the characters typed", () => {
    const comment = "[click me](https://evil.example) **now** <b>x</b>\n- item `code` _it_ ~s~ \\";
    const card = operationSummaryCard({
      cluster: "aks-prod", environment: "prod", operationId: "op-x", kind: "kubernetes", outcome: "Rejected", target: "1.32.3",
      startedAt: "2026-11-21T09:55:00Z", endedAt: "2026-11-21T10:37:30Z",
      steps: [{ ...plan[0]!, status: "Rejected", approvedBy: `eve: ${comment}` }], message: `Rejected by eve: ${comment}`
    });
    expectValid(card);
    const texts = JSON.stringify(card.attachments[0].content.body);
    // No unescaped Markdown link or emphasis survives anywhere in the card.
    const blocks = (card.attachments[0].content.body as { text?: string; facts?: { value: string }[] }[])
      .flatMap((b) => [b.text ?? "", ...(b.facts ?? []).map((f) => f.value)]);
    for (const value of blocks) {
      expect(value).not.toMatch(/(^|[^\\])\[[^\]]*(^|[^\\])\]\(/);
      expect(value).not.toMatch(/(^|[^\\])\*\*/);
      expect(value).not.toMatch(/(^|[^\\])</);
      expect(value).not.toContain("\n");
    }
    expect(texts).toContain(JSON.stringify("\\[click me\\](https://evil.example) \\*\\*now\\*\\* \\<b\\>x\\</b\\> - item \\`code\\` \\_it\\_ \\~s\\~ \\\\").slice(1, -1));
  });
});
