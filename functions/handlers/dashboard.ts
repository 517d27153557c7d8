import { readFile } from "node:fs/promises";
import path from "node:path";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { signApprovalToken } from "../../shared/approvals/token";
import { approvalLinks } from "../../shared/teams/cards";
import { holdReleaseUrl } from "./budgetHolds";
import { mayDecide } from "./deciders";
import { json, problem } from "./http";
import { PAGE_SECURITY_HEADERS } from "./pages";
import type { Platform } from "../runtime/platform";
import type { ApprovalScope } from "../../orchestrations/common/contracts";

/** Where `npm run build` puts the dashboard's page, stylesheet and compiled script. */
export const DASHBOARD_ASSETS = path.resolve(__dirname, "..", "..", "dashboard", "public");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml"
};

/** The policy of every page the platform serves (pages.ts); assets are revalidated, never served stale. */
const SECURITY_HEADERS = { ...PAGE_SECURITY_HEADERS, "cache-control": "no-cache" };

/**
 * A pending approval as the dashboard shows it: for a caller allowed to decide (deciders.ts) with
 * the same confirmation links the Teams card carries; for anyone else without them.
 */
export interface DashboardApproval {
  operationId: string;
  clusterId: string;
  step: number;
  scope: ApprovalScope;
  round: number;
  requestedAt: string;
  deadline: string;
  approveUrl?: string;
  rejectUrl?: string;
}

/** What the dashboard may offer this caller: decisions (approval links, Cancel) only to those allowed to decide. */
export interface DashboardCaller {
  mayDecide: boolean;
  /** Why not, when not. */
  reason?: string;
}

/**
 * `GET /api/dashboard[/{*path}]`: the built static assets, plus two data routes the platform's API
 * has no equivalent for: `data/approvals` (pending approvals; their confirmation links, signed
 * exactly as the card's (the token is the HMAC of the recorded claims), only for a caller allowed
 * to decide, and `caller` saying whether this one is), `data/holds` (upgrade holds not released,
 * their release link likewise only for a caller allowed to decide) and `data/findings`.
 */
export function createDashboardHandler(p: Platform, assets = DASHBOARD_ASSETS) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const rest = (request.params.path ?? "").replace(/^\/+/, "");
    // `now` is the platform's clock (locally possibly virtual), so ages and running bars match the records.
    if (rest === "data/approvals") {
      const right = mayDecide(request, p.config.mode);
      const caller: DashboardCaller = right.allowed ? { mayDecide: true } : { mayDecide: false, reason: right.reason };
      return noStore(json(200, { value: await pendingApprovals(p, right.allowed), now: new Date(p.clock.now()).toISOString(), caller }));
    }
    if (rest === "data/holds") {
      const allowed = mayDecide(request, p.config.mode).allowed;
      return noStore(json(200, { value: await activeHolds(p, allowed) }));
    }
    if (rest === "data/findings") return noStore(json(200, { value: await findings(p) }));
    // The page's relative links resolve against /api/dashboard/, so send /api/dashboard there.
    const url = new URL(request.url);
    if (rest === "" && !url.pathname.endsWith("/")) {
      return { status: 308, headers: { location: `${url.pathname}/${url.search}` } };
    }
    const file = rest === "" ? "index.html" : rest;
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+$/.test(file)) return problem(404, "NotFound", `No dashboard asset ${rest}`);
    const type = TYPES[path.extname(file)];
    if (!type) return problem(404, "NotFound", `No dashboard asset ${rest}`);
    try {
      const body = await readFile(path.join(assets, file));
      return { status: 200, headers: { "content-type": type, ...SECURITY_HEADERS }, body };
    } catch {
      return problem(404, "NotFound", `No dashboard asset ${rest}`);
    }
  };
}

/** Data that may carry live links is never kept by a cache between callers. */
function noStore(response: HttpResponseInit): HttpResponseInit {
  return { ...response, headers: { "cache-control": "no-store", "x-content-type-options": "nosniff" } };
}

async function pendingApprovals(p: Platform, withLinks: boolean): Promise<DashboardApproval[]> {
  const waiting = await p.store.operations.query({ status: ["AwaitingApproval"] });
  const now = new Date(p.clock.now()).toISOString();
  const out: DashboardApproval[] = [];
  for (const op of waiting) {
    for (const r of op.approvalRequests ?? []) {
      if (r.status !== "Pending" || r.deadline <= now) continue;
      const approval: DashboardApproval = { operationId: op.id, clusterId: op.clusterId, step: r.step, scope: r.scope, round: r.round, requestedAt: r.requestedAt, deadline: r.deadline };
      if (withLinks) {
        const token = signApprovalToken({ instanceId: r.approvalInstanceId, step: r.step, expiresAt: r.deadline, nonce: r.nonce }, p.config.approvalSigningKey);
        const links = approvalLinks(p.config.publicBaseUrl, token);
        approval.approveUrl = links.approve;
        approval.rejectUrl = links.reject;
      }
      out.push(approval);
    }
  }
  return out.sort((a, b) => a.deadline.localeCompare(b.deadline));
}

/** Upgrade holds not yet released, with their release link (the card's, freshly signed) for a caller allowed to decide. */
async function activeHolds(p: Platform, withLinks: boolean): Promise<Record<string, unknown>[]> {
  const clusters = await p.store.clusters.list();
  return clusters.flatMap((c) => (c.governance?.holds ?? []).filter((h) => !h.releasedAt).map((h) => ({
    clusterId: c.id, id: h.id, reason: h.reason, since: h.since, heldTargets: h.heldTargets,
    ...(withLinks ? { releaseUrl: holdReleaseUrl(p, c.id, h.id) } : {})
  })));
}

const SEVERITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2 };

/** Open findings first, the most severe first; resolved ones after them. */
async function findings(p: Platform): Promise<unknown[]> {
  const clusters = await p.store.clusters.list();
  const lists = await Promise.all(clusters.map((c) => p.store.findings.listByCluster(c.id)));
  return lists.flat().sort((a, b) => (a.status === b.status ? 0 : a.status === "fail" ? -1 : 1)
    || (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3)
    || a.clusterId.localeCompare(b.clusterId) || a.rule.localeCompare(b.rule));
}
