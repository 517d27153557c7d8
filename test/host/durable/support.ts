/**
 * Starts the local host (startHost) on the durable fixture app with a VirtualClock and a fresh data
 * dir, with the durable extension configured by the test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VirtualClock } from "../../../local/clock";
import { startHost, type LocalHostHandle } from "../../../local/host";
import { MemoryLogger } from "../../../local/host";
import { createDurableExtension, type DurableExtension, type DurableExtensionOptions } from "../../../local/host/durable";

export interface DurableHarness {
  host: LocalHostHandle;
  durable: DurableExtension;
  clock: VirtualClock;
  dataDir: string;
  markerDir: string;
  /** Stops the host (the data dir is kept for a restart). */
  stop(): Promise<void>;
}

/** A function-app folder whose entry point is the compiled fixture (dist/test/fixtures/durable/app.js). */
export function fixtureAppDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "durable-app-"));
  const entry = path.resolve(__dirname, "../../fixtures/durable/app.js");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "durable-fixture", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "index.js"), `require(${JSON.stringify(entry)});\n`);
  return dir;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startDurableHost(options: DurableExtensionOptions & {
  clock?: VirtualClock; dataDir?: string; markerDir?: string; variant?: string; logger?: MemoryLogger;
} = {}): Promise<DurableHarness> {
  const clock = options.clock ?? new VirtualClock("2026-03-02T08:00:00Z");
  const dataDir = options.dataDir ?? tempDir("durable-data-");
  const markerDir = options.markerDir ?? tempDir("durable-markers-");
  const durable = createDurableExtension(options);
  const host = await startHost({
    appDir: fixtureAppDir(),
    clock,
    dataDir,
    port: 0,
    settings: { MARKER_DIR: markerDir, DURABLE_FIXTURE_VARIANT: options.variant ?? "original" },
    extensions: [durable],
    logger: options.logger?.log ?? new MemoryLogger().log,
  });
  return { host, durable, clock, dataDir, markerDir, stop: () => host.stop() };
}

/** Status of an instance through the durable HTTP API (what DurableClient.getStatus calls). */
export async function statusOf(h: DurableHarness, instanceId: string): Promise<{ runtimeStatus: string; output: unknown; customStatus: unknown; input: unknown }> {
  const res = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?code=${h.host.keys.system.durabletask_extension}`);
  if (res.status === 404) throw new Error(`instance ${instanceId} not found`);
  return (await res.json()) as { runtimeStatus: string; output: unknown; customStatus: unknown; input: unknown };
}

export async function startInstance(h: DurableHarness, name: string, input: unknown, instanceId?: string): Promise<string> {
  const url = `${h.host.baseUrl}/runtime/webhooks/durabletask/orchestrators/${name}${instanceId ? `/${encodeURIComponent(instanceId)}` : ""}?code=${h.host.keys.system.durabletask_extension}`;
  const res = await fetch(url, { method: "POST", body: input === undefined ? "" : JSON.stringify(input), headers: { "Content-Type": "application/json" } });
  if (res.status !== 202) throw new Error(`start ${name} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function raiseEvent(h: DurableHarness, instanceId: string, name: string, data: unknown): Promise<number> {
  const res = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}/raiseEvent/${name}?code=${h.host.keys.system.durabletask_extension}`, {
    method: "POST", body: JSON.stringify(data), headers: { "Content-Type": "application/json" },
  });
  await res.arrayBuffer();
  return res.status;
}

/** Waits until the host is idle (no episode, activity or message in flight; only future timers left). */
export async function settle(h: DurableHarness): Promise<void> {
  await h.host.waitForIdle();
}
