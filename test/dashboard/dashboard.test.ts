/**
 * The dashboard in a real browser (Debian's Chromium) against the local platform on a virtual
 * clock: the demo fleet, an upgrade's progress, and an approval from the dashboard's link through
 * the confirmation page changing the operation.
 */
import type { Browser, Page } from "playwright-core";
import { advance, api, approvalCards, approveUrl, operationWith, sim, startHarness, waitFor, type Harness } from "../platform/support";
import { launchChromium, screenshot } from "./browser";

/** The page's global, in functions evaluated in the browser (the tests compile without the DOM library). */
declare const document: { body: { dataset: Record<string, string | undefined> } };

const DEV = "k8s-upgrade:aks-dev:1.36.3";
const STAGING = "k8s-upgrade:aks-staging:1.36.3";

describe("the operator dashboard", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness(), launchChromium()]);
    await advance(h, 10 * 60_000);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => { if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) pageErrors.push(msg.text()); });
    // The dashboard's own requests (the confirmation page is not the dashboard's; Chromium asks it for /favicon.ico).
    page.on("response", (r) => { if (r.status() >= 400 && r.url().includes("/api/dashboard")) pageErrors.push(`${r.status()} ${r.url()}`); });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  const refreshes = async (): Promise<number> => Number(await page.evaluate(() => document.body.dataset.refreshed ?? "0"));
  /** Waits (real time, bounded) until the page has polled the API again after now. */
  const nextRefresh = async (): Promise<void> => {
    const seen = await refreshes();
    await page.waitForFunction((n) => Number(document.body.dataset.refreshed ?? "0") > n + 1, seen, { timeout: 10_000 });
  };

  it("serves the page under /api/dashboard with a strict content security policy, and shows the demo fleet", async () => {
    const res = await page.goto(`${h.platform.apiBase}/dashboard?refresh=250`);
    expect(res?.status()).toBe(200);
    expect(page.url()).toBe(`${h.platform.apiBase}/dashboard/?refresh=250`);
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.locator('#fleet-table tr[data-cluster="aks-prod"]').first().waitFor();
    for (const [cluster, env] of [["aks-dev", "dev"], ["aks-staging", "staging"], ["aks-prod", "prod"]] as const) {
      const row = page.locator(`#fleet-table tr[data-cluster="${cluster}"]`);
      expect(await row.count()).toBe(2); // system and user pools
      const text = await row.first().innerText();
      expect(text).toContain(env);
      expect(text).toContain("1.35.4");
      expect(text).toMatch(/AKSUbuntu-\S+/);
      expect(text).toMatch(/\d+ d/); // node image age
      expect(text).toContain("n/a"); // conformance, budget and holds: not served by the API yet
    }
    expect(await page.locator('#version-chart g[data-cluster]').count()).toBe(3);
    // The adoptions, and the governance remediations their last step started (issue 27): dev's setting
    // and budget, staging's setting (kube-audit turned off) and budget, prod's budget.
    expect(await page.locator("#operation-history details.op").count()).toBe(8);
    expect(await page.locator("#approvals").innerText()).toContain("No approval is pending");
    await screenshot(page, "dashboard-fleet");
    expect((await api(h, "GET", "/dashboard/../../etc/passwd")).status).toBe(404);
    expect((await api(h, "GET", "/dashboard/nope.js")).status).toBe(404);
  });

  it("shows an upgrade's progress with its step timeline", async () => {
    expect((await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" })).status).toBe(201);
    await operationWith(h, DEV, (op) => op.status === "Running" && op.steps.some((s) => s.status === "Succeeded"), "aks-dev's first step to finish");
    await nextRefresh();
    const dev = page.locator(`#active-operations details.op[data-operation="${DEV}"]`);
    const summary = await dev.locator("summary").innerText();
    expect(summary).toContain("Running");
    expect(summary).toMatch(/[1-2]\/3 steps/);
    expect(await dev.locator("svg.timeline rect.step-Succeeded").count()).toBeGreaterThanOrEqual(1);
    const firstStep = await dev.locator('tr[data-step="0"]').innerText();
    expect(firstStep).toContain("Succeeded");
    expect(firstStep).toMatch(/\/subscriptions\/.+\/operations\//i); // the ARM operation id
    expect(await page.locator('#fleet-table tr[data-cluster="aks-dev"] .active-op').first().innerText()).toContain("Running");
    await screenshot(page, "dashboard-upgrade");
  });

  it("an approval from the dashboard's link through the confirmation page changes the operation", async () => {
    const card = await waitFor(h, "aks-staging's approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    await nextRefresh();
    const link = page.locator(`#approvals-table tr[data-operation="${STAGING}"] a.approve`);
    expect(await link.getAttribute("href")).toBe(approveUrl(card)); // the very link of the Teams card
    expect(await page.locator(`#approvals-table tr[data-operation="${STAGING}"]`).innerText()).toMatch(/\d{4}-\d{2}-\d{2}T/); // its deadline
    await screenshot(page, "dashboard-approvals");
    // Follow the link as a click would. (At the test's 250 ms refresh a re-render can replace the
    // anchor between Playwright's locate and its click, and the click is then lost on a loaded machine.)
    const href = await link.getAttribute("href");
    await page.goto(new URL(href ?? "", page.url()).toString());
    await page.waitForURL(/\/api\/approvals\//);
    expect(await page.locator("h1").innerText()).toContain("aks-staging");
    expect(await page.locator('input[name="decision"][value="approve"]').isChecked()).toBe(true);
    await page.fill('input[name="approver"]', "dana");
    await page.fill('textarea[name="comment"]', "<b>ship it</b>");
    await screenshot(page, "confirmation");
    await Promise.all([page.waitForLoadState("load"), page.click('button[type="submit"]')]);
    await screenshot(page, "decision-recorded");

    const approved = await operationWith(h, STAGING, (op) => op.approvals.some((a) => a.approver === "dana"), "the decision to be recorded", 10 * 60_000);
    expect(approved.approvals.map((a) => [a.decision, a.approver, a.comment])).toEqual([["approve", "dana", "<b>ship it</b>"]]);
    await operationWith(h, STAGING, (op) => op.status === "Running" || op.status === "Succeeded", "aks-staging's upgrade to proceed");

    await page.goto(`${h.platform.apiBase}/dashboard/?refresh=250`);
    const staging = page.locator(`details.op[data-operation="${STAGING}"]`);
    await staging.locator(".approvals li").waitFor();
    // The comment is shown as text, never as markup.
    expect(await staging.locator(".approvals li").innerText()).toContain("approve by dana");
    expect(await staging.locator(".approvals li").innerText()).toContain("<b>ship it</b>");
    expect(await staging.locator(".approvals b").count()).toBe(0);
    expect(await page.locator(`#approvals-table tr[data-operation="${STAGING}"]`).count()).toBe(0);
    await screenshot(page, "dashboard-after-approval");
    expect(pageErrors).toEqual([]);
  });
});
