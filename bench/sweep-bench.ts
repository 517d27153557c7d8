/**
 * `npm run bench:sweep -- --clusters 2000`: the hourly governance sweep over a simulated fleet, on
 * the whole local platform (Functions host with the durable engine, the Azure simulator at ARM's
 * real throttling limits, the embedded Cosmos), in virtual time.
 *
 * The fleet is `bench:fleet`'s (clusters registered as adoption would, no platform budget yet), so
 * the first sweep (13:00) finds every budget missing and starts a governance operation per
 * cluster; the second (14:00) is the steady state. For each it prints the sweep's outcome (clusters
 * reviewed, operations started, clusters failed), its virtual duration, the wall time, ARM requests
 * by operation and the 429s; then checks the goals: every cluster reviewed by each sweep, none
 * failed, each sweep done inside its hour.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { VirtualClock } from "../local/clock";
import type { DurableExtension } from "../local/host/durable";
import { startLocalPlatform } from "../local/platform";
import { createCosmosClient } from "../shared/azure";
import { createStore } from "../shared/store";
import type { GovernanceSweepResult } from "../orchestrations/governance/sweepOrchestrator";
import { seedFleet } from "./fleetSeed";

const START = "2026-01-04T12:30:00Z"; // Sunday: no node-image rollout (Monday 00:00) or catch-up (00:30) in the two hours measured
const HOUR = 3600_000;

function parseClusters(argv: string[]): number {
  const i = argv.indexOf("--clusters");
  const n = i >= 0 ? Number(argv[i + 1]) : 500;
  if (!Number.isInteger(n) || n < 1) throw new Error("--clusters must be a whole number ≥ 1");
  return n;
}

async function main(): Promise<void> {
  const clusters = parseClusters(process.argv.slice(2));
  const dataDir = mkdtempSync(path.join(tmpdir(), "aksops-sweep-bench-"));
  const clock = new VirtualClock(START);
  const platform = await startLocalPlatform({
    clock, dataDir, seed: "none", adoptDemoClusters: false, azurePersistEachWrite: false, hostOptions: { logger: () => undefined },
    settings: { GOVERNANCE_SWEEP_SCHEDULE: "0 0 * * * *" }
  });
  const goals: [string, boolean][] = [];
  try {
    const s = platform.settings;
    const store = createStore(createCosmosClient({ mode: "local", cosmos: { endpoint: s.COSMOS_ENDPOINT ?? "", database: "aksops", key: s.COSMOS_KEY ?? "" }, localCaPath: s.AKSOPS_LOCAL_CA_PATH ?? "" }), "aksops", clock);
    const kernel = platform.azure.kernel;
    await seedFleet(kernel, store, { clusters, pools: 2, sameWindow: false, startDate: START.slice(0, 10) });
    const durable = platform.host.extensions.find((e): e is DurableExtension => e.name === "durable");
    if (!durable) throw new Error("no durable extension");
    console.log(`fleet: ${clusters} clusters registered; sweeps hourly`);

    for (const [label, minute] of [["first sweep (budgets missing)", "2026-01-04T13:00Z"], ["second sweep (steady state)", "2026-01-04T14:00Z"]] as const) {
      kernel.stats.reset();
      const instanceId = `governance-sweep:${minute}`;
      const wall0 = performance.now();
      // To the sweep's minute, then a virtual minute at a time until it ends (at most the hour).
      await clock.advance(Math.max(0, Date.parse(minute) - clock.now()) + 1_000);
      let status: Record<string, unknown> | undefined;
      for (let waited = 0; waited < HOUR; waited += 60_000) {
        status = durable.management.getStatus(instanceId, {});
        if (status && ["Completed", "Failed", "Terminated"].includes(String(status.runtimeStatus))) break;
        await clock.advance(60_000);
      }
      const wall = (performance.now() - wall0) / 1000;
      const output = status?.output as GovernanceSweepResult | undefined;
      const virtualMinutes = status ? (Date.parse(String(status.lastUpdatedTime)) - Date.parse(String(status.createdTime))) / 60_000 : Number.NaN;
      const stats = kernel.stats.toJSON();
      const byOperation = Object.entries(stats.operations).map(([op, byStatus]) => [op, Object.values(byStatus).reduce((a, b) => a + b, 0)] as const).sort((a, b) => b[1] - a[1]);
      console.log("");
      console.log(`${label}: ${instanceId} ${typeof status?.runtimeStatus === "string" ? status.runtimeStatus : "not found"}`);
      console.log(`  clusters reviewed       ${output?.clusters ?? 0} in ${output?.pages ?? 0} pages; operations started ${output?.started ?? 0}; failed ${output?.failed.length ?? "-"}${output?.failed.length ? ` (${output.failed.slice(0, 3).map((f) => `${f.clusterId}: ${f.error}`).join(" | ")})` : ""}`);
      console.log(`  virtual duration        ${virtualMinutes.toFixed(1)} min; wall ${wall.toFixed(1)} s (the sweep and the work it started)`);
      console.log(`  ARM requests            ${stats.total} = ${(stats.total / clusters).toFixed(2)} per cluster; 429s ${stats.throttled}`);
      console.log(`  by operation            ${byOperation.map(([op, n]) => `${op} ${n}`).join(", ")}`);
      goals.push([`${label}: every cluster reviewed, none failed, done inside the hour`,
        status?.runtimeStatus === "Completed" && output?.clusters === clusters && output.failed.length === 0 && virtualMinutes < 60]);
    }
    console.log("");
    for (const [goal, met] of goals) console.log(`${met ? "MET   " : "MISSED"} ${goal}`);
    process.exitCode = goals.every(([, met]) => met) ? 0 : 1;
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
