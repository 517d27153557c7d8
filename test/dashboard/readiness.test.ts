/**
 * The dashboard shows the readiness of each cluster's pending or last upgrade (issue 30), in a real
 * browser against the local platform: a vCPU quota lowered below the surge blocks aks-staging's
 * upgrade before its card; the fleet table names the failing check, the cluster page shows the
 * report with its evidence on the operation.
 */
import type { Browser, Page } from "playwright-core";
import { readFileSync } from "node:fs";
import { advance, api, operationWith, startHarness, type Harness } from "../platform/support";
import { launchChromium, screenshot } from "./browser";

const QUOTA_API = "2023-02-01";

describe("the dashboard's readiness", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness(), launchChromium()]);
    await advance(h, 10 * 60_000);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  /** The Quota API over HTTPS with the local CA, as the generated Quota client would send it. */
  const setLimit = async (name: string, value: number): Promise<number> => {
    const { request } = await import("node:https");
    const ca = readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8");
    const path = `/subscriptions/${h.subscriptionId}/providers/Microsoft.Compute/locations/westeurope/providers/Microsoft.Quota/quotas/${name}?api-version=${QUOTA_API}`;
    const body = JSON.stringify({ properties: { limit: { limitObjectType: "LimitValue", value }, name: { value: name } } });
    return new Promise((resolve, reject) => {
      const req = request(new URL(`${h.platform.azure.baseUrl}${path}`), { method: "PUT", ca, headers: { authorization: "Bearer t", "content-type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  };

  it("a blocked upgrade: the fleet names the failing check, the cluster page shows each check with its evidence", async () => {
    expect(await setLimit("standardDDSv5Family", 61)).toBe(200);
    const readiness = await api<{ targetVersion: string }>(h, "GET", "/clusters/aks-staging/readiness");
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "kubernetes", targetVersion: readiness.body.targetVersion });
    expect(started.status).toBe(202);
    await operationWith(h, started.body.operationId, (o) => o.status === "Blocked", "the blocked upgrade");

    await page.goto(`${h.platform.apiBase}/dashboard/?refresh=250&detail=500`);
    const cell = page.locator('#fleet-table tr[data-cluster="aks-staging"] .readiness-cell');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } })
      .document.querySelector('#fleet-table tr[data-cluster="aks-staging"] .readiness-cell')?.textContent?.includes("fail") ?? false, undefined, { timeout: 10_000 });
    const text = await cell.innerText();
    expect(text).toContain("1 fail (vcpu-quota)");
    expect(text).toContain("Blocked");
    expect(await cell.locator("span[title]").first().getAttribute("title")).toContain("fail vcpu-quota: surge needs 4 vCPU of standardDDSv5Family");
    // A cluster without an upgrade says so.
    expect(await page.locator('#fleet-table tr[data-cluster="aks-dev"] .readiness-cell').innerText()).toBe("none");

    await page.goto(`${h.platform.apiBase}/dashboard/?refresh=250&detail=500#/clusters/aks-staging`);
    const op = page.locator(`#cluster-view details.op[data-operation="${started.body.operationId}"]`);
    await op.waitFor({ timeout: 10_000 });
    if (!(await op.getAttribute("open"))) await op.locator("summary").click();
    const row = op.locator('.readiness tr[data-check="vcpu-quota"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toMatch(/vcpu-quota\s+fail\s+surge needs 4 vCPU of standardDDSv5Family \(pool system: 1 node\(s\) × 4 vCPU\), 1 free/);
    expect(await op.locator(".readiness tr[data-check]").count()).toBe(6);
    expect(await op.innerText()).toContain("outcome: Blocked");
    await screenshot(page, "dashboard-readiness");
    expect(pageErrors).toEqual([]);
  });
});
