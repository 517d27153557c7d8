/**
 * Recovery: a host process is SIGKILLed while an activity runs, restarted on the same data dir, and
 * the instance completes. Activities checkpointed before the crash do not run again; the one in
 * flight does (its completion was never checkpointed); the idempotent effects are applied once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "./support";

const runner = path.join(__dirname, "crashRunner.js");

function startRunner(dataDir: string, markerDir: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, [runner, dataDir, markerDir], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match?.[1]) resolve({ child, baseUrl: match[1] });
    });
    child.stderr?.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    child.on("exit", (code) => reject(new Error(`runner exited with ${code}: ${err}`)));
  });
}

/** The durable API's system key the runner's host keeps in its data dir (host-keys.json). */
const durableKey = (dataDir: string): string =>
  (JSON.parse(fs.readFileSync(path.join(dataDir, "host-keys.json"), "utf8")) as { systemKeys: { durabletask_extension: string } }).systemKeys.durabletask_extension;

/** Polls a condition the child process brings about (it runs on real time, so there is nothing to advance). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

test("a host SIGKILLed mid-orchestration resumes the instance after a restart on the same data dir", async () => {
  const dataDir = tempDir("durable-crash-");
  const markerDir = tempDir("durable-crash-markers-");
  const first = await startRunner(dataDir, markerDir);
  try {
    const start = await fetch(`${first.baseUrl}/runtime/webhooks/durabletask/orchestrators/crashable/crash-1?code=${durableKey(dataDir)}`, { method: "POST", body: "" });
    expect(start.status).toBe(202);
    await eventually("the gate activity to start", async () => (fs.existsSync(path.join(markerDir, "g.entered")) ? true : undefined));
  } finally {
    await kill(first.child);
  }
  expect(first.child.signalCode).toBe("SIGKILL");

  fs.writeFileSync(path.join(markerDir, "g.gate"), "");
  const second = await startRunner(dataDir, markerDir);
  try {
    const status = await eventually("the instance to complete", async () => {
      const res = await fetch(`${second.baseUrl}/runtime/webhooks/durabletask/instances/crash-1?code=${durableKey(dataDir)}`);
      const body = (await res.json()) as { runtimeStatus: string; output: unknown };
      return body.runtimeStatus === "Running" || body.runtimeStatus === "Pending" ? undefined : body;
    });
    expect(status).toEqual(expect.objectContaining({ runtimeStatus: "Completed", output: ["c1", "c2", "gate g opened", "c3"] }));
  } finally {
    await kill(second.child);
  }
  const runs = (key: string): number => fs.readFileSync(path.join(markerDir, `${key}.runs`), "utf8").length;
  expect([runs("c1"), runs("c2"), runs("g"), runs("c3")]).toEqual([1, 1, 2, 1]);
  for (const key of ["c1", "c2", "c3"]) expect(fs.readFileSync(path.join(markerDir, `${key}.marker`), "utf8")).toBe(key);
});
