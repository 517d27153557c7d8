import { type CardElement, type TeamsMessage, banner, bounded, facts, heading, teamsMessage, text } from "./adaptiveCard";

export interface RingClusterResult {
  cluster: string;
  environment: string;
  result: "upgraded" | "current" | "skipped" | "failed";
  /** Why it was skipped or failed, in the operator's words. */
  reason?: string;
  pools?: { pool: string; from?: string; to?: string; result: "upgraded" | "current" | "skipped" | "failed"; reason?: string }[];
}

export interface NodeImageRingSummary {
  rolloutId: string;
  ring: number;
  ringName: string;
  outcome: "completed" | "stopped";
  clusters: RingClusterResult[];
  failureBudget: { allowed: number; failed: number };
  /** When the next ring may start (end of soak), if it will. */
  nextRingAt?: string;
  nextRingName?: string;
  operationUrl?: string;
}

/** Rows listed individually; a fleet of hundreds is summarised by counts (Teams caps messages at 28 KB). */
const MAX_ROWS = 25;

export function nodeImageRingSummaryCard(summary: NodeImageRingSummary): TeamsMessage {
  const counts = { upgraded: 0, current: 0, skipped: 0, failed: 0 };
  for (const c of summary.clusters) counts[c.result]++;
  const overBudget = summary.failureBudget.failed > summary.failureBudget.allowed;
  const headline = summary.outcome === "stopped"
    ? `Node image rollout stopped at ring ${summary.ring} (${summary.ringName})`
    : `Node image ring ${summary.ring} (${summary.ringName}) done`;
  const body: CardElement[] = [
    banner(summary.outcome === "stopped" ? "attention" : counts.failed > 0 ? "warning" : "good", [heading(headline)]),
    facts([
      ["Rollout", summary.rolloutId],
      ["Clusters", String(summary.clusters.length)],
      ["Upgraded", String(counts.upgraded)],
      ["Already current", String(counts.current)],
      ["Skipped", String(counts.skipped)],
      ["Failed", `${counts.failed} (budget ${summary.failureBudget.allowed}${overBudget ? ", exceeded" : ""})`]
    ])
  ];
  if (summary.outcome === "stopped") {
    body.push(text(overBudget
      ? `Failures exceeded the ring's budget, so later rings will not start${summary.nextRingName ? ` (${summary.nextRingName} is held)` : ""}.`
      : "The rollout was stopped before later rings."));
  } else if (summary.nextRingAt) {
    body.push(text(`Next ring${summary.nextRingName ? ` (${summary.nextRingName})` : ""} starts after the soak, at ${summary.nextRingAt}.`));
  }
  // Failures first, then skips: what an operator must act on comes before what went well.
  const order = { failed: 0, skipped: 1, upgraded: 2, current: 3 } as const;
  const sorted = [...summary.clusters].sort((a, b) => order[a.result] - order[b.result] || a.cluster.localeCompare(b.cluster));
  const { shown, omitted } = bounded(sorted, MAX_ROWS);
  if (shown.length > 0) {
    const rows: [string, string][] = shown.map((c) => [c.cluster, describeCluster(c)]);
    if (omitted > 0) rows.push(["…", `${omitted} more clusters (see the rollout record)`]);
    body.push(text("Clusters", { weight: "bolder", spacing: "medium" }), facts(rows));
  }
  return teamsMessage(body, summary.operationUrl ? [{ type: "Action.OpenUrl", title: "Open rollout", url: summary.operationUrl }] : undefined);
}

function describeCluster(c: RingClusterResult): string {
  const pools = (c.pools ?? []).slice(0, 6).map((p) => {
    const change = p.from && p.to && p.from !== p.to ? ` ${p.from} → ${p.to}` : "";
    return `${p.pool}: ${p.result}${change}${p.reason ? ` (${p.reason})` : ""}`;
  });
  const more = (c.pools?.length ?? 0) > 6 ? [`+${(c.pools?.length ?? 0) - 6} pools`] : [];
  return [`${c.result}${c.reason ? `: ${c.reason}` : ""}`, ...pools, ...more].join("; ");
}
