/**
 * Every card the platform posts, read by Microsoft's Adaptive Cards library (the renderer Teams'
 * web clients are built on) in Chromium: parsed with no warning or error, and the approval card
 * rendered to HTML with Approve / Reject opening the confirmation links.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { signApprovalToken } from "../../shared/approvals/token";
import {
  approvalLinks, approvalRequestCard, nodeImageRingSummaryCard, operationSummaryCard, supportEndingCard, upgradeFailureCard, type PlanStepView, type TeamsMessage
} from "../../shared/teams/cards";
import { launchChromium, screenshot } from "../dashboard/browser";

const LIBRARY = path.join(path.dirname(require.resolve("adaptivecards/package.json")), "dist", "adaptivecards.min.js");

/** The library's globals, in functions evaluated in the browser (the tests compile without the DOM library). */
interface ParseEvent { phase: number; event: number; message: string }
declare const AdaptiveCards: {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: ParseEvent[] }; render(): unknown;
    onExecuteAction?: (action: { url?: string }) => void;
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): ParseEvent };
};
declare const document: { body: { append(node: unknown): void } };
declare const window: { opened?: string[] };

const plan: PlanStepView[] = [
  { index: 0, kind: "controlPlane", from: "1.35.4", to: "1.36.3" },
  { index: 1, kind: "nodePool", pool: "system", from: "1.35.4", to: "1.36.3" },
  { index: 2, kind: "nodePool", pool: "user", from: "1.35.4", to: "1.36.3" }
];
const token = signApprovalToken({ instanceId: "approval:k8s-upgrade:aks-prod:1.36.3:1", step: 1, expiresAt: "2026-11-22T10:00:00.000Z", nonce: "n1" }, "test-signing-key-0123456789abcdef");
const links = approvalLinks("https://aksops.example.com", token);

const cards: [string, TeamsMessage][] = [
  ["approval (step)", approvalRequestCard({ cluster: "aks-prod", environment: "prod", operationId: "k8s-upgrade:aks-prod:1.36.3", step: plan[1]!, plan, scope: "step", deadline: "2026-11-22T10:00:00.000Z", publicBaseUrl: "https://aksops.example.com", token })],
  ["approval (upgrade)", approvalRequestCard({ cluster: "aks-staging", environment: "staging", operationId: "k8s-upgrade:aks-staging:1.36.3", step: plan[0]!, plan, scope: "upgrade", deadline: "2026-11-22T10:00:00.000Z", publicBaseUrl: "https://aksops.example.com", token })],
  ["force decision (AKS's deprecated-API block)", approvalRequestCard({
    cluster: "aks-prod", environment: "prod", operationId: "k8s-upgrade:aks-prod:1.36.3", step: plan[0]!, plan, scope: "step", deadline: "2026-11-22T10:00:00.000Z", publicBaseUrl: "https://aksops.example.com", token,
    force: { windowHours: 2, blockedMessage: "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the specified version. ... Usage details: 1 error occurred:\n\t* usage has been detected on API flowcontrol.apiserver.k8s.io.flowschemas.v1beta3, and was recently seen at: 2026-11-21 08:00:00 +0000 UTC, which will be removed in 1.36\n\n" }
  })],
  ["upgrade failure", upgradeFailureCard({ cluster: "aks-staging", environment: "staging", operationId: "op-9", step: plan[2]!, error: { code: "UpgradeFailed", message: "Drain of node aks-user-1 did not complete" }, at: "2026-11-21T11:00:00Z", operationUrl: "https://aksops.example.com/api/operations/op-9" })],
  ...(["Succeeded", "Failed", "Rejected", "Expired", "Cancelled", "Blocked"] as const).map((outcome): [string, TeamsMessage] => [`summary ${outcome}`, operationSummaryCard({
    cluster: "aks-prod", environment: "prod", operationId: "op-1", kind: "kubernetes", outcome, target: "1.36.3", startedAt: "2026-11-21T09:55:00Z", endedAt: "2026-11-21T10:37:30Z",
    steps: plan.map((s) => ({ ...s, status: "Succeeded", startedAt: "2026-11-21T09:55:00Z", endedAt: "2026-11-21T10:00:00Z", approvedBy: "ops@contoso.com" })), message: outcome === "Succeeded" ? undefined : `ended ${outcome}`
  })]),
  ["support ending", supportEndingCard({ cluster: "aks-dev", environment: "dev", kubernetesVersion: "1.29.9", ended: false, eventTime: "2026-11-21T08:00:00Z", proposal: { target: "1.31.2", steps: 4, operationUrl: "https://x/api/operations/1" } })],
  ["support ended", supportEndingCard({ cluster: "aks-dev", environment: "dev", kubernetesVersion: "1.27.3", ended: true, eventTime: "2026-11-21T08:00:00Z" })],
  ["ring summary", nodeImageRingSummaryCard({
    rolloutId: "node-image:2026-W47", ring: 0, ringName: "dev", outcome: "completed", failureBudget: { allowed: 1, failed: 1 }, nextRingAt: "2026-11-25T01:00:00Z", nextRingName: "staging",
    clusters: [
      { cluster: "aks-dev-a", environment: "dev", result: "upgraded", pools: [{ pool: "user", from: "v1", to: "v2", result: "upgraded" }] },
      { cluster: "aks-dev-b", environment: "dev", result: "failed", reason: "health gate: 2/3 nodes Ready" },
      { cluster: "aks-dev-c", environment: "dev", result: "skipped", reason: "window closed" }
    ]
  })],
  ["ring stopped", nodeImageRingSummaryCard({ rolloutId: "r", ring: 0, ringName: "dev", outcome: "stopped", failureBudget: { allowed: 0, failed: 1 }, nextRingName: "staging", clusters: [{ cluster: "aks-dev", environment: "dev", result: "failed", reason: "UpgradeFailed" }] })]
];

describe("Teams cards read by the Adaptive Cards library", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>");
    await page.addScriptTag({ path: LIBRARY });
  });
  afterAll(async () => { await browser?.close(); });

  it.each(cards)("%s parses with no warning or error", async (_name, message) => {
    const content = message.attachments[0].content;
    const events = await page.evaluate((json) => {
      const card = new AdaptiveCards.AdaptiveCard();
      const context = new AdaptiveCards.SerializationContext();
      card.parse(json, context);
      const parsed = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i));
      return [...parsed, ...card.validateProperties().validationEvents].map((e) => ({ phase: e.phase, event: e.event, message: e.message }));
    }, content as unknown);
    expect(events).toEqual([]);
  });

  it("the same check reports a card Teams would not show as written (so an empty list means something)", async () => {
    const events = await page.evaluate((json) => {
      const card = new AdaptiveCards.AdaptiveCard();
      const context = new AdaptiveCards.SerializationContext();
      card.parse(json, context);
      return context.eventCount + card.validateProperties().validationEvents.length;
    }, { type: "AdaptiveCard", version: "1.4", body: [{ type: "FancyChart" }], actions: [{ type: "Action.OpenUrl", title: "Go" }] } as unknown);
    expect(events).toBeGreaterThan(0);
  });

  it("renders the approval card to HTML with Approve and Reject (OpenUrl actions, role link) opening the confirmation links", async () => {
    const content = cards[0]![1].attachments[0].content;
    await page.evaluate((json) => {
      const card = new AdaptiveCards.AdaptiveCard();
      card.parse(json, new AdaptiveCards.SerializationContext());
      window.opened = [];
      card.onExecuteAction = (action) => { window.opened?.push(action.url ?? ""); };
      document.body.append(card.render());
    }, content as unknown);
    const approve = page.getByRole("link", { name: "Approve", exact: true });
    const reject = page.getByRole("link", { name: "Reject", exact: true });
    expect([await approve.count(), await reject.count()]).toEqual([1, 1]);
    expect(await page.locator(".ac-adaptiveCard").innerText()).toContain("aks-prod");
    await screenshot(page, "teams-approval-card");
    await approve.click();
    await reject.click();
    expect(await page.evaluate(() => window.opened)).toEqual([links.approve, links.reject]);
    expect(links.approve).toMatch(/^https:\/\/aksops\.example\.com\/api\/approvals\/[^?]+\?decision=approve$/);
  });
});
