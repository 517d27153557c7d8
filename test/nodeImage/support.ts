/**
 * Node-image scenario support on top of the platform harness (test/platform/support.ts): the local
 * platform with the demo fleet adopted through the API, started on a Sunday so that the weekly
 * timer (Monday 00:00 UTC) and the demo windows (dev Monday, staging Tuesday, prod Thursday,
 * 02:00–06:00 UTC) fall in the first simulated week.
 */
import { VirtualClock } from "../../local/clock";
import type { DurableExtension } from "../../local/host/durable";
import type { NodeImageOperationRecord, NodeImageRolloutRecord } from "../../orchestrations/nodeImageRollout/activities";
import { api, approvalCards, approveUrl, decide, operations, sim, startHarness, teamsMessages, cardText, type Harness } from "../platform/support";

export const DEMO_CLUSTERS = ["aks-dev", "aks-staging", "aks-prod"] as const;
export const SUNDAY = "2026-01-04T12:00:00Z";
export const FIRST_TRIGGER = "2026-01-05T00:00:00Z";
export const FIRST_WEEK = "2026-W02";

/**
 * The governance sweep once a day at midnight (default: hourly) in these week-long scenarios: it
 * still runs beside every rollout, and at the minute the weekly and daily node-image timers fire,
 * but an hourly sweep of the fleet over a simulated week was most of these suites' time.
 */
export const NODE_IMAGE_SCENARIO_SETTINGS: Readonly<Record<string, string>> = { GOVERNANCE_SWEEP_SCHEDULE: "0 0 0 * * *" };

export async function startNodeImagePlatform(settings: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({ clock: new VirtualClock(SUNDAY), settings: { ...NODE_IMAGE_SCENARIO_SETTINGS, ...settings } });
  // Adoption (started by the harness) takes each cluster's lock briefly; let it finish.
  await h.clock.advance(30 * 60_000);
  return h;
}

export async function poolImages(h: Harness, cluster: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const pool of h.aks.agentPools.list(`rg-${cluster}`, cluster)) out[pool.name ?? "?"] = pool.nodeImageVersion ?? "";
  return out;
}

/** Publishes the next weekly image (`POST /_sim/node-images`) and returns its Ubuntu version. */
export async function publishNodeImage(h: Harness): Promise<string> {
  const res = await sim<{ images: { osSku: string; version: string }[] }>(h, "POST", "/_sim/node-images", {});
  expect(res.status).toBe(201);
  const ubuntu = res.body.images.find((i) => i.osSku === "Ubuntu");
  if (!ubuntu) throw new Error("no Ubuntu image published");
  return ubuntu.version;
}

export async function nodeImageOperations(h: Harness, cluster: string): Promise<NodeImageOperationRecord[]> {
  return (await operations(h, `?clusterId=${cluster}`)).filter((o) => o.kind === "nodeImageRollout") as NodeImageOperationRecord[];
}

export async function rolloutRecord(h: Harness, week: string): Promise<NodeImageRolloutRecord | undefined> {
  const res = await api<NodeImageRolloutRecord>(h, "GET", `/operations/${encodeURIComponent(`nodeimage-rollout-${week}`)}`);
  return res.status === 200 ? res.body : undefined;
}

/** Approves, as `approver`, every approval card of `cluster` not yet decided; returns how many. */
export async function approveAll(h: Harness, cluster: string, approver: string, decided: Set<string>): Promise<number> {
  let n = 0;
  for (const card of await approvalCards(h, cluster)) {
    if (decided.has(card.id)) continue;
    decided.add(card.id);
    const res = await decide(approveUrl(card), "approve", approver, "node image ok");
    expect(res.status).toBe(200);
    n++;
  }
  return n;
}

/** Advances to `until` a step at a time, approving any card of `clusters` that arrives on the way. */
export async function advanceApproving(h: Harness, until: string, clusters: readonly string[], stepMs = 20 * 60_000): Promise<number> {
  const decided = new Set<string>();
  let approved = 0;
  const end = Date.parse(until);
  while (h.clock.now() < end) {
    for (const cluster of clusters) approved += await approveAll(h, cluster, "olivia", decided);
    await h.clock.advance(Math.min(stepMs, end - h.clock.now()));
  }
  return approved;
}

export async function rolloutTexts(h: Harness): Promise<string[]> {
  return (await teamsMessages(h, "ops")).map(cardText).filter((t) => t.includes("Node image"));
}

/** Every durable instance whose id starts with `prefix` (the management API the durable HTTP API serves). */
export function instancesWithPrefix(h: Harness, prefix: string): { instanceId: string; runtimeStatus: string }[] {
  const durable = h.platform.host.extensions.find((e): e is DurableExtension => e.name === "durable");
  if (!durable) throw new Error("the host runs no durable extension");
  return durable.management.query({ instanceIdPrefix: prefix }, {}).items.map((i) => ({ instanceId: String(i.instanceId), runtimeStatus: String(i.runtimeStatus) }));
}

export type { Harness };

/** The weekly rollout instances (not their ring and page sub-orchestrations). */
export function weeklyRollouts(h: Harness): { instanceId: string; runtimeStatus: string }[] {
  return instancesWithPrefix(h, "node-image-rollout:").filter((i) => /^node-image-rollout:\d{4}-W\d{2}$/.test(i.instanceId));
}
