/**
 * Golden histories: the recorded histories of a Kubernetes upgrade, a manual node-image upgrade, a
 * cluster's node-image upgrade in the weekly rollout and an adoption (test/histories/*.json,
 * `npm run record:histories`) replayed against the orchestrators as they are now. A change that would break instances in flight fails here; a changed orchestrator
 * (the fixture's `kubernetesUpgradeChanged`) is caught as non-determinism.
 */
import { readFileSync } from "node:fs";
import * as fs from "node:fs";
import * as os from "node:os";
import path from "node:path";
import { VirtualClock } from "../../local/clock";
import { MemoryLogger, startHost, type LocalHostHandle } from "../../local/host";
import { createDurableExtension, type DurableExtension } from "../../local/host/durable";
import { NonDeterminismError } from "../../local/host/durable/errors";
import { EventType } from "../../local/host/durable/history";
import type { GoldenFile } from "./record";

const SOURCE = path.resolve(__dirname, "..", "..", "..", "test", "histories");
const golden = (flow: string): GoldenFile => JSON.parse(readFileSync(path.join(SOURCE, `${flow}.json`), "utf8")) as GoldenFile;

describe("golden histories replay against today's orchestrators", () => {
  let host: LocalHostHandle;
  let durable: DurableExtension;
  beforeAll(async () => {
    const appDir = fs.mkdtempSync(path.join(os.tmpdir(), "histories-app-"));
    fs.writeFileSync(path.join(appDir, "package.json"), JSON.stringify({ name: "histories-fixture", main: "index.js" }));
    fs.writeFileSync(path.join(appDir, "index.js"), `require(${JSON.stringify(path.resolve(__dirname, "../fixtures/histories-app/index.js"))});\n`);
    durable = createDurableExtension();
    host = await startHost({
      appDir, clock: new VirtualClock("2026-11-02T08:00:00Z"), dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "histories-data-")),
      port: 0, extensions: [durable], logger: new MemoryLogger().log
    });
  });
  afterAll(async () => { await host.stop(); });

  it.each(["kubernetes-upgrade", "node-image-upgrade", "node-image-rollout-cluster", "adoption"])("%s: every recorded instance replays to its recorded end", async (flow) => {
    const file = golden(flow);
    expect(file.instances.length).toBeGreaterThanOrEqual(3);
    for (const instance of file.instances) {
      const replayed = await durable.replay(instance.name, instance);
      expect({ instance: instance.instanceId, isDone: replayed.isDone, error: replayed.error }).toEqual({ instance: instance.instanceId, isDone: true, error: undefined });
    }
  });

  it("a changed orchestrator does not replay the recorded Kubernetes upgrade: non-determinism at the first changed action", async () => {
    const upgrade = golden("kubernetes-upgrade").instances.find((i) => i.name === "kubernetesUpgrade");
    if (!upgrade) throw new Error("no kubernetesUpgrade instance in the golden file");
    const replay = durable.replay("kubernetesUpgradeChanged", upgrade);
    await expect(replay).rejects.toBeInstanceOf(NonDeterminismError);
    await expect(durable.replay("kubernetesUpgradeChanged", upgrade)).rejects.toThrow(/at action #0 the history recorded activity:tryAcquireClusterLock, but the orchestrator now scheduled activity:releaseClusterLock/);
  });

  it("a history cut short is still a prefix of what the orchestrator does (an instance in flight replays)", async () => {
    const step = golden("kubernetes-upgrade").instances.find((i) => i.instanceId.endsWith(":step:1"));
    if (!step) throw new Error("no step 1 in the golden file");
    const cut = step.history.findIndex((e, i) => i > 0 && e.EventType === EventType.OrchestratorStarted && step.history.slice(0, i).some((x) => x.EventType === EventType.TimerCreated));
    const inFlight = { ...step, history: step.history.slice(0, cut) };
    const replayed = await durable.replay(step.name, inFlight);
    expect(replayed.isDone).toBe(false);
  });
});
