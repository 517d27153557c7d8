/**
 * The dashboard in a real browser (Debian's Chromium) against the local platform on a virtual
 * clock: the demo fleet, an upgrade's progress, and an approval from the dashboard's link through
 * the confirmation page changing the operation.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { advance, api, approvalCards, approveUrl, operationWith, sim, startHarness, waitFor, type Harness } from "../platform/support";
import { launchChromium, screenshot } from "./browser";

/** The page's global, in functions evaluated in the browser (the tests compile without the DOM library). */
declare const document: { body: { dataset: Record<string, string | undefined> }; querySelectorAll(selector: string): { length: number } };

const DEV = "k8s-upgrade:aks-dev:1.36.3";

async function attributes(list: Locator, name: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0, n = await list.count(); i < n; i++) out.push((await list.nth(i).getAttribute(name)) ?? "");
  return out;
}
const STAGING = "k8s-upgrade:aks-staging:1.36.3";

describe("the operator dashboard", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    // One governance sweep at 08:05 (instead of on the hour): the platform's budget is on every cluster when the page opens.
    [h, browser] = await Promise.all([startHarness({ settings: { GOVERNANCE_SWEEP_SCHEDULE: "0 5 8 * * *" } }), launchChromium()]);
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
  /** Waits until the per-cluster reads (conformance, governance) have landed once more. */
  const nextDetails = async (): Promise<void> => {
    const seen = Number(await page.evaluate(() => document.body.dataset.details ?? "0"));
    await page.waitForFunction((n) => Number(document.body.dataset.details ?? "0") > n, seen, { timeout: 20_000 });
  };
  const DASHBOARD = (): string => `${h.platform.apiBase}/dashboard/?refresh=250&detail=2000`;

  it("serves the page under /api/dashboard with a strict content security policy, and shows the demo fleet", async () => {
    const res = await page.goto(`${h.platform.apiBase}/dashboard?refresh=250&detail=2000`);
    expect(res?.status()).toBe(200);
    expect(page.url()).toBe(DASHBOARD());
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    expect(res?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res?.headers()["x-frame-options"]).toBe("DENY");
    await page.locator('#fleet-table tr[data-cluster="aks-prod"]').first().waitFor();
    for (const [cluster, env] of [["aks-dev", "dev"], ["aks-staging", "staging"], ["aks-prod", "prod"]] as const) {
      const row = page.locator(`#fleet-table tr[data-cluster="${cluster}"]`);
      expect(await row.count()).toBe(2); // system and user pools
      const text = await row.first().innerText();
      expect(text).toContain(env);
      expect(text).toContain("1.35.4");
      expect(text).toMatch(/AKSUbuntu-\S+/);
      expect(text).toMatch(/\d+ d/); // node image age
    }
    expect(await page.locator('#version-chart g[data-cluster]').count()).toBe(3);
    const adoptions = await attributes(page.locator("#operation-history details.op"), "data-operation");
    expect(adoptions.filter((id) => id.startsWith("adopt")).length).toBe(3);
    expect(await page.locator("#approvals").innerText()).toContain("No approval is pending");
    expect(await page.locator("#fleet-table .active-op").first().innerText()).toContain("idle");
  });

  it("the fleet shows each cluster's conformance (passing/judged, failing by severity) and budget (spend of amount, forecast) as the API serves them; holds none", async () => {
    // The page polls on real time while the virtual clock stands, and every conformance report is
    // live ARM reads: let a minute of virtual time pass so ARM's read bucket refills as it would.
    await advance(h, 60_000, 10_000);
    await nextDetails();
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) {
      const report = await api<{ summary: { pass: number; fail: number; failing: Record<string, number> } }>(h, "GET", `/clusters/${cluster}/conformance`);
      const view = await api<{ governance: { budget: { amount?: number; currentSpend?: number; forecastSpend?: number } } }>(h, "GET", `/clusters/${cluster}`);
      const row = page.locator(`#fleet-table tr[data-cluster="${cluster}"]`).first();
      const conformance = await row.locator(".conformance-cell").innerText();
      expect(conformance).toMatch(new RegExp(`^${report.body.summary.pass}/${report.body.summary.pass + report.body.summary.fail}\\b`));
      if ((report.body.summary.failing.high ?? 0) > 0) expect(conformance).toContain(`${report.body.summary.failing.high} high`);
      expect(await row.locator(".conformance-cell a").getAttribute("href")).toBe(`#/clusters/${cluster}`);
      const b = view.body.governance.budget;
      expect(b.amount).toBeGreaterThan(0); // the sweep put the platform's budget there
      const money = (n: number | undefined): string => `$${Math.round(n ?? 0).toLocaleString("en-US")}`;
      expect(await row.locator(".budget-cell").innerText()).toBe(`${money(b.currentSpend)} of ${money(b.amount)}${b.forecastSpend !== undefined ? `, forecast ${money(b.forecastSpend)}` : ""}`);
      expect(await row.locator(".holds-cell").innerText()).toBe("none");
      expect(await row.innerText()).not.toContain("n/a");
    }
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
    // Times read relative to the platform's clock, the exact UTC instant on hover.
    const started = dev.locator('tr[data-step="0"] time').first();
    expect(await started.innerText()).toMatch(/^(\d+ (h|min)( \d+ min)? ago|just now)$/);
    expect(await started.getAttribute("title")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \(.+ local\)$/);
    await nextDetails();
    await screenshot(page, "dashboard-upgrade");
  });

  it("a cluster's view, reachable by URL, lists its failing rules grouped by rule group with evidence and citations, its governance and its operations", async () => {
    await page.goto(`${DASHBOARD()}#/clusters/aks-dev`);
    const report = await api<{ rules: { id: string; status: string; group: string; evidence: string }[] }>(h, "GET", "/clusters/aks-dev/conformance");
    const failing = report.body.rules.filter((r) => r.status === "fail");
    expect(failing.map((r) => r.id)).toEqual(expect.arrayContaining(["local-accounts-disabled", "run-command-disabled"]));
    await page.locator("#conformance-report").waitFor();
    for (const rule of failing) {
      const row = page.locator(`#conformance-report section.rule-group[data-group="${rule.group}"] > table tr[data-rule="${rule.id}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.locator("td.evidence").innerText()).toBe(rule.evidence);
      expect((await row.locator("td.citation").innerText()).length).toBeGreaterThan(3);
      expect(await row.innerText()).toContain("fail");
    }
    expect(await page.locator("#conformance-report section.rule-group").count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator("#conformance-report").innerText()).toContain(`failing: `);
    // Governance: the platform's diagnostic setting and budget (put there by the sweep), alerts and holds.
    expect(await page.locator("#diagnostics-state").innerText()).toContain("reaches the cluster's workspace");
    expect(await page.locator("#budget-state").innerText()).toMatch(/^\$[\d,]+ of \$[\d,]+/);
    // Its operations only, the running upgrade among them.
    const ops = await page.locator("#cluster-view details.op > summary").allInnerTexts();
    expect(ops.length).toBeGreaterThanOrEqual(2);
    for (const summary of ops) expect(summary).toContain(" on aks-dev");
    expect(await page.locator(`#cluster-view details.op[data-operation="${DEV}"]`).count()).toBe(1);
    await screenshot(page, "dashboard-cluster");
    // Back to the fleet by its link.
    await page.click('#cluster-view a[href="#/"]');
    await page.locator("#fleet-table").waitFor();
    expect(await page.locator("#view-cluster").isHidden()).toBe(true);
  });

  it("operations filter by cluster and status (kept in the URL) and page as the API pages", async () => {
    await page.goto(`${h.platform.apiBase}/dashboard/?refresh=250&detail=60000&page=1#/`);
    await page.locator("#filter-status").waitFor();
    await page.selectOption("#filter-status", "Succeeded");
    await page.waitForURL(/#\/\?status=Succeeded$/);
    await nextRefresh();
    const statuses = async (): Promise<string[]> => attributes(page.locator("#operation-history details.op"), "data-status");
    const all = await api<{ value: { id: string; status: string; clusterId: string }[] }>(h, "GET", "/operations?status=Succeeded");
    expect(all.body.value.length).toBeGreaterThanOrEqual(3);
    // One a page: the first, then one more per "Show more".
    expect(await statuses()).toEqual(["Succeeded"]);
    expect(await page.locator(".paging").innerText()).toContain("1 shown");
    await page.click("#history-more");
    await page.waitForFunction(() => document.querySelectorAll("#operation-history details.op").length === 2);
    expect(await statuses()).toEqual(["Succeeded", "Succeeded"]);
    await page.selectOption("#filter-cluster", "aks-prod");
    await page.waitForURL(/#\/\?cluster=aks-prod&status=Succeeded$/);
    await nextRefresh();
    const prod = await page.locator("#operation-history details.op > summary").allInnerTexts();
    expect(prod.length).toBe(1); // the page size again
    expect(prod[0]).toContain(" on aks-prod");
    // A filter in the URL is a view one can send: the active list follows it too.
    await page.goto(`${h.platform.apiBase}/dashboard/?refresh=250&detail=60000#/?cluster=aks-dev&status=Running`);
    await page.locator(`#active-operations details.op[data-operation="${DEV}"]`).waitFor();
    expect(await page.locator("#active-operations details.op").count()).toBe(1);
    expect(await page.locator("#filter-cluster").inputValue()).toBe("aks-dev");
  });

  it("offers Cancel on running operations only to callers allowed to decide, behind a confirmation", async () => {
    await page.goto(`${DASHBOARD()}#/?cluster=aks-dev`);
    const dev = page.locator(`#active-operations details.op[data-operation="${DEV}"]`);
    await dev.waitFor();
    await dev.locator("button.cancel").click();
    const confirm = page.locator(`form.cancel-confirm[data-operation="${DEV}"]`);
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain("Cancel kubernetesUpgrade to 1.36.3 on aks-dev?");
    await confirm.locator('input[name="reason"]').fill("wrong window");
    await nextRefresh(); // re-renders keep the open confirmation and what was typed
    expect(await confirm.locator('input[name="reason"]').inputValue()).toBe("wrong window");
    await confirm.locator("button.keep").click();
    expect(await page.locator("form.cancel-confirm").count()).toBe(0);
    expect((await api<{ status: string }>(h, "GET", `/operations/${encodeURIComponent(DEV)}`)).body.status).toBe("Running");

    // A signed-in user without the approver role: the running operation without Cancel, approvals without links.
    const principal = Buffer.from(JSON.stringify({ auth_typ: "aad", name_typ: "name", role_typ: "roles", claims: [{ typ: "name", val: "eve" }, { typ: "roles", val: "AksOps.Reader" }] })).toString("base64");
    const viewer = await browser.newPage({ extraHTTPHeaders: { "x-ms-client-principal": principal } });
    try {
      await viewer.goto(`${DASHBOARD()}#/?cluster=aks-dev`);
      await viewer.locator(`#active-operations details.op[data-operation="${DEV}"]`).waitFor();
      await viewer.waitForFunction(() => Number(document.body.dataset.refreshed ?? "0") >= 2);
      expect(await viewer.locator("button.cancel").count()).toBe(0);
    } finally {
      await viewer.close();
    }
  });

  it("hands approval links only to callers allowed to decide, and no page that decides can be framed", async () => {
    const card = await waitFor(h, "aks-staging's approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    type Approvals = { value: { operationId: string; approveUrl?: string; rejectUrl?: string }[]; caller: { mayDecide: boolean; reason?: string } };
    const staging = (body: Approvals) => body.value.find((a) => a.operationId === STAGING);
    // Locally: the dashboard's own origin (a loopback caller that is no other site's page) gets the card's links.
    const own = await api<Approvals>(h, "GET", "/dashboard/data/approvals", undefined, { "sec-fetch-site": "same-origin" });
    expect(own.body.caller).toEqual({ mayDecide: true });
    expect(staging(own.body)?.approveUrl).toBe(approveUrl(card));
    // Another site's page, or a signed-in user without the approver role, sees the approval without its links.
    const principal = (roles: string[]) => Buffer.from(JSON.stringify({ auth_typ: "aad", name_typ: "name", role_typ: "roles", claims: [{ typ: "name", val: "eve" }, ...roles.map((val) => ({ typ: "roles", val }))] })).toString("base64");
    const others: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { "x-ms-client-principal": principal(["AksOps.Reader"]) }];
    for (const headers of others) {
      const other = await api<Approvals>(h, "GET", "/dashboard/data/approvals", undefined, headers);
      expect(other.body.caller.mayDecide).toBe(false);
      expect(staging(other.body)).toMatchObject({ operationId: STAGING });
      expect(staging(other.body)?.approveUrl).toBeUndefined();
      expect(JSON.stringify(other.body)).not.toContain("/api/approvals/");
    }
    const approver = await api<Approvals>(h, "GET", "/dashboard/data/approvals", undefined, { "x-ms-client-principal": principal(["AksOps.Approver"]) });
    expect(staging(approver.body)?.rejectUrl).toBe(card.card.actions?.find((a) => a.title === "Reject")?.url);

    // The confirmation page carries the same policy as the dashboard, and a browser refuses to frame it.
    const direct = await fetch(approveUrl(card));
    await direct.text();
    const dashboardPolicy = (await fetch(`${h.platform.apiBase}/dashboard/`)).headers.get("content-security-policy");
    expect(direct.headers.get("content-security-policy")).toBe(dashboardPolicy);
    expect(direct.headers.get("x-frame-options")).toBe("DENY");
    const framer = await browser.newPage();
    try {
      const refused = framer.waitForEvent("console", { predicate: (m) => m.text().includes("frame-ancestors 'none'"), timeout: 10_000 });
      await framer.setContent(`<iframe id="f" src="${approveUrl(card)}" width="600" height="400"></iframe>`);
      expect((await refused).text()).toContain("The request has been blocked");
      const frame = framer.frames().find((f) => f !== framer.mainFrame());
      expect(frame).toBeDefined();
      expect(await frame!.locator("form").count()).toBe(0);
      expect(frame!.url()).not.toContain("/api/approvals/");
    } finally {
      await framer.close();
    }
  });

  it("an approval from the dashboard's link through the confirmation page changes the operation", async () => {
    const card = await waitFor(h, "aks-staging's approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    await nextRefresh();
    const link = page.locator(`#approvals-table tr[data-operation="${STAGING}"] a.approve`);
    expect(await link.getAttribute("href")).toBe(approveUrl(card)); // the very link of the Teams card
    // Its deadline, relative (in the viewer's terms), the exact UTC time on hover.
    const deadline = page.locator(`#approvals-table tr[data-operation="${STAGING}"] time`).nth(1);
    expect(await deadline.innerText()).toMatch(/^in \d+ (h|min)/);
    expect(await deadline.getAttribute("title")).toMatch(/ UTC \(/);
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
