/** The orchestration-test host: the fixture app (real orchestrators, scripted activities) on a virtual clock. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VirtualClock } from "../../local/clock";
import { MemoryLogger, startHost, type LocalHostHandle } from "../../local/host";
import { createDurableExtension } from "../../local/host/durable";

export interface OrchestrationHarness {
  host: LocalHostHandle;
  clock: VirtualClock;
  scriptDir: string;
  stop(): Promise<void>;
}

export interface ActivityCall<T = Record<string, unknown>> {
  name: string;
  input: T;
}

export async function startOrchestrationHost(script: Record<string, unknown[]>): Promise<OrchestrationHarness> {
  const clock = new VirtualClock("2026-11-02T08:00:00Z");
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-app-"));
  const scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-script-"));
  fs.writeFileSync(path.join(scriptDir, "script.json"), JSON.stringify(script));
  fs.writeFileSync(path.join(appDir, "package.json"), JSON.stringify({ name: "orchestration-fixture", main: "index.js" }));
  fs.writeFileSync(path.join(appDir, "index.js"), `require(${JSON.stringify(path.resolve(__dirname, "fixture/app.js"))});\n`);
  const host = await startHost({
    appDir, clock, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "orch-data-")), port: 0,
    settings: { SCRIPT_DIR: scriptDir }, extensions: [createDurableExtension()], logger: new MemoryLogger().log
  });
  return { host, clock, scriptDir, stop: () => host.stop() };
}

export async function start(h: OrchestrationHarness, name: string, instanceId: string, input: unknown): Promise<void> {
  const res = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/orchestrators/${name}/${encodeURIComponent(instanceId)}?code=${h.host.keys.system.durabletask_extension}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input)
  });
  if (res.status !== 202) throw new Error(`start ${name} answered ${res.status}: ${await res.text()}`);
  await h.host.waitForIdle();
}

export async function status(h: OrchestrationHarness, instanceId: string): Promise<{ runtimeStatus: string; output: unknown }> {
  const res = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?code=${h.host.keys.system.durabletask_extension}`);
  return (await res.json()) as { runtimeStatus: string; output: unknown };
}

export async function raise(h: OrchestrationHarness, instanceId: string, event: string, data: unknown): Promise<void> {
  const res = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}/raiseEvent/${event}?code=${h.host.keys.system.durabletask_extension}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data)
  });
  await res.arrayBuffer();
  await h.host.waitForIdle();
}

export function calls<T = Record<string, unknown>>(h: OrchestrationHarness, name?: string): ActivityCall<T>[] {
  const file = path.join(h.scriptDir, "calls.jsonl");
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as ActivityCall<T>).filter((c) => name === undefined || c.name === name);
}

export const healthy = (at: string) => ({ at, pools: [{ pool: "system", nodesReady: 3, nodesTotal: 3 }, { pool: "user", nodesReady: 2, nodesTotal: 2 }], podsReadyRatio: 1, podsFailed: 0, podsPending: 0 });

export function prepared(steps: number, approval: "none" | "oncePerUpgrade" | "everyStep" = "none", onTimeout: "reject" | "escalate" = "reject") {
  const all = [
    { index: 0, kind: "controlPlane", from: "1.35.4", to: "1.36.2" },
    { index: 1, kind: "nodePool", pool: "system", from: "1.35.4", to: "1.36.2" },
    { index: 2, kind: "nodePool", pool: "user", from: "1.35.4", to: "1.36.2" }
  ];
  return {
    resourceId: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1",
    environment: "prod", target: "1.36.2", steps: all.slice(0, steps), firstStepIndex: 0,
    approval: { mode: approval, timeoutMinutes: 60, onTimeout },
    healthGate: { minNodesReadyRatio: 1, minPodsReadyRatio: 0.9, maxPodsReadyDrop: 0.05, maxFailedPodsIncrease: 0, maxPendingPodsIncrease: 3 }
  };
}

export const upgradeInput = { operationId: "op-1", clusterId: "c1", targetVersion: "1.36.2" };
