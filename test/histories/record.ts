/**
 * `npm run record:histories`: runs four flows on the whole local platform (virtual clock) and
 * writes each one's orchestration histories, parent and sub-orchestrations, to test/histories/*.json
 * for `replay.test.ts`. Re-record when an orchestrator changes on purpose, and ship that change
 * under the drain rule in the README (in-flight instances of the old shape finish first).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { DurableExtension, RecordedInstance } from "../../local/host/durable";
import { EventType } from "../../local/host/durable/history";
import { advance, api, operationWith, sim, startHarness, type Harness } from "../platform/support";

export interface GoldenFile {
  flow: string;
  description: string;
  recordedAt: string;
  instances: RecordedInstance[];
}

function durableOf(h: Harness): DurableExtension {
  const durable = h.platform.host.extensions.find((e): e is DurableExtension => e.name === "durable");
  if (!durable) throw new Error("no durable extension");
  return durable;
}

function write(h: Harness, flow: string, description: string, prefix: string): void {
  const instances = durableOf(h).recordedInstances(prefix);
  if (instances.length === 0) throw new Error(`no instances under ${prefix}`);
  const unfinished = instances.filter((i) => !i.history.some((e) => e.EventType === EventType.ExecutionCompleted));
  if (unfinished.length > 0) throw new Error(`${flow}: ${unfinished.map((i) => i.instanceId).join(", ")} did not finish`);
  const file: GoldenFile = { flow, description, recordedAt: new Date(h.clock.now()).toISOString(), instances };
  const target = path.resolve(__dirname, "..", "..", "..", "test", "histories", `${flow}.json`);
  writeFileSync(target, `${JSON.stringify(file, null, 1)}\n`);
  console.log(`${flow}: ${instances.length} instance(s), ${instances.reduce((n, i) => n + i.history.length, 0)} events → ${path.relative(process.cwd(), target)}`);
}

async function main(): Promise<void> {
  const h = await startHarness();
  try {
    await advance(h, 10 * 60_000);
    await operationWith(h, "adopt:aks-dev", (op) => op.status === "Succeeded", "aks-dev's adoption");
    write(h, "adoption", "adoption of the demo cluster aks-dev at start (no approval in dev)", "adopt:aks-dev");

    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" });
    await operationWith(h, "k8s-upgrade:aks-dev:1.36.3", (op) => op.status === "Succeeded", "the Kubernetes upgrade");
    write(h, "kubernetes-upgrade", "aks-dev to 1.36.3 from NewKubernetesVersionAvailable: control plane, then two pools", "k8s-upgrade:aks-dev:1.36.3");

    await sim(h, "POST", "/_sim/node-images", {});
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "nodeImage" });
    if (started.status !== 202) throw new Error(`node-image start answered ${started.status}: ${JSON.stringify(started.body)}`);
    await operationWith(h, started.body.operationId, (op) => op.status === "Succeeded", "the node-image upgrade");
    const prefix = `node-image:`;
    const instance = durableOf(h).recordedInstances(prefix).find((i) => i.name === "nodeImageUpgrade" && i.instanceId.endsWith(":aks-dev"));
    if (!instance) throw new Error("no node-image upgrade instance for aks-dev");
    write(h, "node-image-upgrade", "a manual node-image upgrade of aks-dev's two pools", instance.instanceId);

    // The weekly rollout's per-cluster upgrade (rollout mode: the staggered first read, the
    // maintenance window, then the engine): aks-dev in the dev ring, which needs no approval.
    await sim(h, "POST", "/_sim/node-images", {});
    const monday = Date.parse("2026-11-09T00:00:00Z");
    await advance(h, monday - h.clock.now() + 60_000, 10 * 60_000);
    await operationWith(h, "nodeimage-2026-W46-aks-dev", (op) => op.status === "Succeeded", "aks-dev's weekly node-image upgrade", 3 * 24 * 3600_000);
    write(h, "node-image-rollout-cluster", "aks-dev's node-image upgrade in the weekly rollout of 2026-W46 (dev ring, its maintenance window)", "node-image:2026-W46:aks-dev");
  } finally {
    await h.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
}
