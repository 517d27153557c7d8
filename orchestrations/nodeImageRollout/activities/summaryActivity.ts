import { banner, facts, heading, teamsMessage, text, type TeamsMessage } from "../../../shared/teams/adaptiveCard";
import { nodeImageRingSummaryCard, type RingClusterResult } from "../../../shared/teams/rolloutCards";
import type { TeamsDelivery } from "../../common/contracts";
import { deliveryOf } from "../../common/activities/postTeamsMessage";
import type { RingResult, SummaryRequest } from "../contracts";
import { ringName } from "../rolloutPolicy";
import type { NodeImageActivityDeps } from "./deps";
import { isNodeImageRecord, type NodeImageOperationRecord } from "./records";

/**
 * Builds a ring or rollout summary from the Cosmos records and makes one attempt to post it; the
 * orchestration retries on durable timers (notify.ts). The ring card lists every cluster of the
 * ring (failures and skips first, capped by the card builder), read here rather than carried
 * through the orchestration's history.
 */
export function createPostNodeImageSummary(deps: Pick<NodeImageActivityDeps, "store" | "teams">) {
  return async (request: SummaryRequest): Promise<TeamsDelivery> => {
    const message = request.kind === "ring" ? await ringCard(deps, request) : rolloutCard(request, deps.teams.publicBaseUrl);
    return deliveryOf(await deps.teams.post(deps.teams.webhookUrl, message));
  };
}

async function ringCard(deps: Pick<NodeImageActivityDeps, "store" | "teams">, request: SummaryRequest): Promise<TeamsMessage> {
  const ring = request.ring ?? 0;
  const records = (await deps.store.operations.query({ kind: "nodeImageRollout" }))
    .filter(isNodeImageRecord)
    .filter((r) => r.nodeImage.mode === "rollout" && r.nodeImage.rolloutId === request.rolloutId && r.nodeImage.ring === ring);
  const result = request.ringResult;
  return nodeImageRingSummaryCard({
    rolloutId: request.rolloutId,
    ring,
    ringName: ringName(ring),
    outcome: result?.overBudget ? "stopped" : "completed",
    clusters: records.map(toRow),
    failureBudget: { allowed: result?.failureBudget ?? 0, failed: result?.failed ?? 0 },
    ...(request.nextRingAt ? { nextRingAt: request.nextRingAt } : {}),
    ...(request.nextRing !== undefined ? { nextRingName: ringName(request.nextRing) } : {}),
    operationUrl: `${deps.teams.publicBaseUrl.replace(/\/+$/, "")}/api/operations?clusterId=fleet`
  });
}

function toRow(r: NodeImageOperationRecord): RingClusterResult {
  const result = r.nodeImage.result ?? "skipped";
  const reason = r.outcome && result !== "upgraded" && result !== "current" ? r.outcome.message : undefined;
  return {
    cluster: r.clusterId, environment: r.nodeImage.environment, result, ...(reason ? { reason } : {}),
    pools: r.nodeImage.pools.map((p) => ({ pool: p.pool, result: p.result, ...(p.before ? { from: p.before } : {}), ...(p.after ? { to: p.after } : {}), ...(p.reason && p.result !== "upgraded" ? { reason: p.reason } : {}) }))
  };
}

/** The rollout's closing card: one line per ring, and where it stopped if it did. */
export function rolloutCard(request: SummaryRequest, publicBaseUrl: string): TeamsMessage {
  const rings = request.rings ?? [];
  const stopped = request.stoppedAt !== undefined;
  const line = (r: RingResult): [string, string] => [
    `Ring ${r.ring} (${ringName(r.ring)})`,
    `${r.clusters} cluster(s): ${r.upgraded} upgraded, ${r.current} already current, ${r.skipped} skipped, ${r.failed} failed (budget ${r.failureBudget})${r.overBudget ? " — over budget" : ""}`
  ];
  return teamsMessage([
    banner(stopped ? "attention" : "good", [heading(stopped
      ? `Node image rollout ${request.rolloutId} stopped at ring ${request.stoppedAt} (${ringName(request.stoppedAt!)})`
      : `Node image rollout ${request.rolloutId} completed`)]),
    facts(rings.map(line)),
    text(stopped
      ? "A ring exceeded its failure budget, so the rings after it were not started. Skipped clusters are caught up in their next window by the daily check."
      : "Skipped clusters (stopped, missed window) are caught up in their next window by the daily check.", { wrap: true })
  ], [{ type: "Action.OpenUrl", title: "Open rollout", url: `${publicBaseUrl.replace(/\/+$/, "")}/api/operations?clusterId=fleet` }]);
}
