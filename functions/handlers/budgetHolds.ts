/**
 * Upgrade holds set by budget alerts in staging and prod: while a hold is active, an upgrade to a
 * new minor (or major) waits; patches and node images continue. The hold's Teams card carries a
 * signed link (the approval token of shared/approvals, over `hold:<cluster>:<hold>`) that opens a
 * confirmation page; its POST releases the hold and starts the upgrade the policy wants now,
 * under the same deterministic id the event path uses.
 */
import { createHash } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { signApprovalToken, verifyApprovalToken } from "../../shared/approvals/token";
import { activeHold } from "../../shared/domain/governance/enforcement";

export { activeHold };
import { isoNow, type UpgradeHold } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import { json, problem } from "./http";
import { escapeHtml, htmlResponse, page } from "./pages";
import { policyTarget } from "./targets";
import { startKubernetesUpgrade } from "./upgradeStarter";
import type { Platform } from "../runtime/platform";

/** How long a release link stays valid: a hold may last the rest of the budget month. */
export const HOLD_LINK_TTL_MS = 31 * 24 * 3600_000;

export function holdIdOf(alertId: string): string {
  return createHash("sha256").update(alertId).digest("hex").slice(0, 12);
}

export function holdReleaseUrl(p: Platform, clusterId: string, holdId: string): string {
  const token = signApprovalToken({
    instanceId: `hold:${clusterId}:${holdId}`, step: 0, expiresAt: new Date(p.clock.now() + HOLD_LINK_TTL_MS).toISOString(), nonce: p.nonce()
  }, p.config.approvalSigningKey);
  return `${p.config.publicBaseUrl}/api/holds/${encodeURIComponent(token)}`;
}

/** Sets a hold on the cluster (one active at a time; the same alert again finds it). */
export async function setHold(p: Platform, clusterId: string, hold: Omit<UpgradeHold, "heldTargets" | "since">): Promise<UpgradeHold> {
  let result: UpgradeHold | undefined;
  await p.store.clusters.mutate(clusterId, (c) => {
    const current = activeHold(c);
    if (current) { result = current; return undefined; }
    const created: UpgradeHold = { ...hold, since: isoNow(p.clock), heldTargets: [] };
    result = created;
    const governance = c.governance ?? { alerts: [], holds: [] };
    return { ...c, governance: { ...governance, holds: [...governance.holds, created].slice(-20) } };
  });
  return result!;
}

function parseHoldToken(p: Platform, token: string): { ok: true; clusterId: string; holdId: string } | { ok: false; response: HttpResponseInit } {
  const verified = verifyApprovalToken(token, p.config.approvalSigningKey, isoNow(p.clock));
  if (!verified.ok) return { ok: false, response: problem(verified.reason === "expired" ? 410 : 403, "InvalidHoldLink", `The release link is ${verified.reason}`) };
  const m = /^hold:([^:]+):([0-9a-f]+)$/.exec(verified.claims.instanceId);
  if (!m) return { ok: false, response: problem(403, "InvalidHoldLink", "The link is not a hold release link") };
  return { ok: true, clusterId: m[1]!, holdId: m[2]! };
}


/** `GET /api/holds/{token}`: the confirmation page (changes nothing: link scanners fetch URLs). */
export function createHoldPageHandler(p: Platform) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const parsed = parseHoldToken(p, request.params.token ?? "");
    if (!parsed.ok) return parsed.response;
    const cluster = (await p.store.clusters.get(parsed.clusterId))?.doc;
    const hold = cluster?.governance?.holds.find((h) => h.id === parsed.holdId);
    if (!cluster || !hold) return problem(404, "HoldNotFound", `No hold ${parsed.holdId} on ${parsed.clusterId}`);
    const state = hold.releasedAt ? `released ${hold.releasedAt} by ${escapeHtml(hold.releasedBy ?? "")}` : "active";
    const html = page(`Upgrade hold on ${cluster.id}`, `<p>${escapeHtml(hold.reason)}</p><p>Since ${escapeHtml(hold.since)}; ${state}. Waiting: ${escapeHtml(hold.heldTargets.join(", ") || "nothing yet")}.</p>
${hold.releasedAt ? "" : `<form method="post"><label>Your name <input name="approver" required maxlength="200"></label> <button type="submit">Release hold</button></form>`}`);
    return htmlResponse(200, html);
  };
}

/** `POST /api/holds/{token}`: releases the hold once and starts the upgrade the policy wants now. */
export function createHoldReleaseHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const parsed = parseHoldToken(p, request.params.token ?? "");
    if (!parsed.ok) return parsed.response;
    const form = new URLSearchParams(await request.text().catch(() => ""));
    const principal = request.headers.get("x-ms-client-principal-name") ?? undefined;
    const approver = (principal ?? form.get("approver") ?? "").trim().slice(0, 200);
    if (!approver) return problem(400, "ApproverRequired", "Say who releases the hold (approver)");
    let released: UpgradeHold | undefined;
    let already: UpgradeHold | undefined;
    const cluster = (await p.store.clusters.mutate(parsed.clusterId, (c) => {
      const holds = c.governance?.holds ?? [];
      const hold = holds.find((h) => h.id === parsed.holdId);
      if (!hold) return undefined;
      if (hold.releasedAt) { already = hold; return undefined; }
      released = { ...hold, releasedAt: isoNow(p.clock), releasedBy: approver };
      return { ...c, governance: { alerts: c.governance?.alerts ?? [], holds: holds.map((h) => h.id === hold.id ? released! : h) } };
    }).catch(() => undefined))?.doc;
    if (already) return json(200, { clusterId: parsed.clusterId, holdId: parsed.holdId, released: false, releasedAt: already.releasedAt, releasedBy: already.releasedBy });
    if (!cluster || !released) return problem(404, "HoldNotFound", `No hold ${parsed.holdId} on ${parsed.clusterId}`);
    const started: string[] = [];
    if (released.heldTargets.length > 0) {
      const choice = await policyTarget(p, cluster);
      if (choice.kind === "upgrade") {
        const s = await startKubernetesUpgrade(p, clientOf(request), { cluster, target: choice.target, trigger: { type: "http", by: approver }, resume: false });
        // Another hold may have come meanwhile: then it waits for that one.
        if (s.outcome !== "held") started.push(s.operationId);
      }
      await p.store.clusters.mutate(cluster.id, (c) => ({
        ...c, governance: { alerts: c.governance?.alerts ?? [], holds: (c.governance?.holds ?? []).map((h) => h.id === released!.id ? { ...h, startedOnRelease: started } : h) }
      }));
    }
    return json(200, { clusterId: cluster.id, holdId: released.id, released: true, releasedBy: approver, startedOperations: started });
  };
}
