/**
 * `npm run bench:local-state`: what crash-safe local state costs (issue 10, item 10). The embedded
 * Cosmos commits each acknowledged write to SQLite (WAL, synchronous = NORMAL) before answering; the
 * Azure simulator rewrites its state file after each accepted ARM write before answering.
 *
 * Prints, through the real SDKs over HTTPS on loopback: Cosmos create / replace / point-read
 * latency (reads are the unjournaled reference), the simulator's PUT / GET latency on the demo
 * fleet, and the cost of one simulator save with a 500-cluster × 3-pool fleet loaded (what every
 * accepted ARM write pays at that size).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { CosmosClient } from "@azure/cosmos";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { RealClock } from "../local/clock";
import { ensureLocalCertificate } from "../local/certs";
import { startAzureSimulator, STATE_FILE } from "../local/azure";
import { startEmbeddedCosmos } from "../local/cosmos";
import { LocalTokenCredential } from "../shared/azure";
import { ContainerNames, createStore } from "../shared/store";
import { seedFleet } from "./fleetSeed";

const N = 300;

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return `${label.padEnd(34)} n=${samples.length}  mean ${mean.toFixed(2)} ms  p50 ${at(0.5).toFixed(2)} ms  p95 ${at(0.95).toFixed(2)} ms`;
}

async function timed(n: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "aksops-state-bench-"));
  const clock = new RealClock();
  try {
    const cert = await ensureLocalCertificate(dataDir);
    const ca = readFileSync(cert.caPath, "utf8");
    const cosmos = await startEmbeddedCosmos({ dataDir, port: 0, cert, clock });
    const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: new Agent({ ca, keepAlive: true }), connectionPolicy: { enableEndpointDiscovery: false } });
    const ops = client.database("aksops").container(ContainerNames.operations);
    await timed(20, (i) => ops.items.create({ id: `warm-${i}`, clusterId: "aks-bench" }));
    const body = { clusterId: "aks-bench", status: "Running", steps: Array.from({ length: 6 }, (_, s) => ({ index: s, name: `step ${s}`, status: "Pending" })) };
    const creates = await timed(N, (i) => ops.items.create({ id: `op-${i}`, ...body }));
    const replaces = await timed(N, (i) => ops.item(`op-${i}`, "aks-bench").replace({ id: `op-${i}`, ...body, status: "Succeeded" }));
    const reads = await timed(N, (i) => ops.item(`op-${i}`, "aks-bench").read());
    console.log(summary("Cosmos create (journaled)", creates));
    console.log(summary("Cosmos replace (journaled)", replaces));
    console.log(summary("Cosmos point read (reference)", reads));
    console.log(`cosmos.sqlite + WAL: ${(statSync(cosmos.storePath).size / 1024).toFixed(0)} KB`);

    const azure = await startAzureSimulator({ clock, dataDir, port: 0, seed: "demo" });
    const aks = new ContainerServiceClient(new LocalTokenCredential(), azure.kernel.config.subscriptionId, {
      endpoint: azure.baseUrl, credentials: { scopes: [`${azure.baseUrl}/.default`] },
      additionalPolicies: [{ policy: agentPolicy(new Agent({ ca, keepAlive: true })), position: "perCall" }]
    });
    const window = (i: number) => ({ maintenanceWindow: { schedule: { daily: { intervalDays: 1 } }, durationHours: 4 + (i % 4), startTime: "00:30" } });
    const puts = await timed(100, (i) => aks.maintenanceConfigurations.createOrUpdate("rg-aks-dev", "aks-dev", "aksManagedNodeOSUpgradeSchedule", window(i)));
    const gets = await timed(100, () => aks.maintenanceConfigurations.get("rg-aks-dev", "aks-dev", "aksManagedNodeOSUpgradeSchedule"));
    console.log(summary("ARM PUT, demo fleet (saved)", puts));
    console.log(summary("ARM GET, demo fleet (reference)", gets));

    const store = createStore(client, "aksops", clock);
    await seedFleet(azure.kernel, store, { clusters: 500, pools: 3, sameWindow: false, startDate: "2026-01-04" });
    const saves = await timed(20, () => Promise.resolve(azure.save()));
    console.log(summary("simulator save, 500 clusters × 3 pools", saves));
    console.log(`azure-sim.json at 500 clusters: ${(statSync(path.join(dataDir, STATE_FILE)).size / 1024).toFixed(0)} KB`);
    await azure.stop();
    client.dispose();
    await cosmos.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
