/**
 * Issue 24 item 2 in a weekly rollout: an operator cancels staging's node-image upgrade while it
 * waits for approval. Its page sees a terminated sub-orchestration; the ring counts it skipped
 * (cancelled by whom), not failed against its budget of 0, so prod is still upgraded this week.
 */
import { api, approvalCards, decide, approveUrl, type Harness } from "../platform/support";
import { advanceApproving, FIRST_TRIGGER, FIRST_WEEK, nodeImageOperations, poolImages, publishNodeImage, rolloutRecord, startNodeImagePlatform } from "./support";

jest.setTimeout(180_000);

describe("cancelling one cluster's node-image upgrade during a rollout", () => {
  let h: Harness;
  beforeAll(async () => { h = await startNodeImagePlatform(); });
  afterAll(async () => { await h.stop(); });

  it("counts it skipped with who cancelled, and the rollout goes on to prod", async () => {
    const latest = await publishNodeImage(h);
    const stagingBefore = await poolImages(h, "aks-staging");
    await h.clock.advanceTo(FIRST_TRIGGER);
    // Staging's window opens Tuesday 02:00: its upgrade asks for approval (once per upgrade).
    await h.clock.advanceTo("2026-01-06T03:00:00Z");
    const card = (await approvalCards(h, "aks-staging"))[0];
    expect(card).toBeDefined();
    const [staging] = await nodeImageOperations(h, "aks-staging");
    expect(staging?.status).toBe("AwaitingApproval");

    const cancel = await api<{ status: string }>(h, "POST", `/operations/${encodeURIComponent(staging!.id)}/cancel`, { reason: "pool under investigation" }, { "x-ms-client-principal-name": "oscar@contoso.com" });
    expect(cancel.status).toBe(202);
    expect((await decide(approveUrl(card!), "approve", "olivia")).status).toBe(409);

    expect(await advanceApproving(h, "2026-01-10T12:00:00Z", ["aks-prod"])).toBe(2);
    const [after] = await nodeImageOperations(h, "aks-staging");
    expect(after).toMatchObject({ status: "Cancelled", cancellation: { by: "oscar@contoso.com" }, nodeImage: { catchUpDue: false } });
    expect(await poolImages(h, "aks-staging")).toEqual(stagingBefore);
    expect(await poolImages(h, "aks-prod")).toEqual({ system: latest, user: latest });

    const rollout = await rolloutRecord(h, FIRST_WEEK);
    expect(rollout?.status).toBe("Succeeded");
    expect(rollout?.rollout.rings.map((r) => [r.ring, r.status, r.upgraded, r.skipped, r.failed])).toEqual([[0, "Completed", 1, 0, 0], [1, "Completed", 0, 1, 0], [2, "Completed", 1, 0, 0]]);
  });
});
