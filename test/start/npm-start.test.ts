/**
 * Issue 3's acceptance for `npm start`: one command brings up embedded Cosmos, the Azure simulator
 * and the host; `GET /api/health` and `GET /_sim/teams/messages` answer; an SDK client that trusts
 * `<data-dir>/certs/local-ca.pem` (and nothing else) lists the three demo clusters. This runs the
 * compiled entry point (`dist/local/start.js`, what `npm start` runs after building) in a child
 * process on free ports and a fresh data directory, on the real clock by necessity.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { armFor } from "../../shared/azure";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const STARTUP_DEADLINE_MS = 45_000;

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  urls: { api: string; teams: string; arm: string; ca: string };
}

function startPlatform(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [path.join(repoRoot, "dist", "local", "start.js")], {
    cwd: repoRoot,
    env: { ...process.env, PORT: "0", AKSOPS_AZURE_PORT: "0", AKSOPS_COSMOS_PORT: "0", AKSOPS_DATA_DIR: dataDir }
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not report ready within ${STARTUP_DEADLINE_MS} ms:\n${output.slice(-3000)}`)), STARTUP_DEADLINE_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const api = /Platform API\s+(\S+)/.exec(output)?.[1];
      const teams = /Teams inbox\s+(\S+)/.exec(output)?.[1];
      const arm = /ARM endpoint\s+(\S+)/.exec(output)?.[1];
      const ca = /Local CA \(trust it\)\s+(\S+)/.exec(output)?.[1];
      if (api && teams && arm && ca) {
        clearTimeout(timer);
        resolve({ child, output: () => output, urls: { api, teams, arm, ca } });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${String(code)} before it was ready:\n${output.slice(-3000)}`));
    });
  });
}

function stopPlatform(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", (code) => { clearTimeout(kill); resolve(code); });
    child.kill("SIGTERM");
  });
}

describe("npm start", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-start-"));
  let started: Started | undefined;

  afterAll(async () => {
    if (started) await stopPlatform(started.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("brings up Cosmos, the simulator and the host; the SDK trusting the local CA lists the demo clusters", async () => {
    started = await startPlatform(dataDir);
    const { urls } = started;
    expect(urls.ca).toBe(path.join(dataDir, "certs", "local-ca.pem"));

    const health = await fetch(`${urls.api}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    // The Teams inbox is served over HTTPS by the simulator: trust its CA for this request only.
    const teams = await httpsGetJson(urls.teams, fs.readFileSync(urls.ca));
    expect(Array.isArray((teams as { value?: unknown }).value ?? teams)).toBe(true);

    // The demo fleet spans two subscriptions (issue 31): aks-staging is in the second.
    const settings = { mode: "local" as const, subscriptionId: "00000000-0000-0000-0000-000000000001", armEndpoint: urls.arm, localCaPath: urls.ca };
    const names: string[] = [];
    for (const subscription of ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"]) {
      for await (const cluster of armFor(settings, subscription).containerService.managedClusters.list()) names.push(`${subscription.slice(-1)}:${cluster.name ?? ""}`);
    }
    expect(names.sort()).toEqual(["1:aks-dev", "1:aks-prod", "2:aks-staging"]);

    // The platform adopted them on first start: they are in its registry.
    const clusters = (await (await fetch(`${urls.api}/clusters`)).json()) as { value: { id: string }[] };
    expect(clusters.value.map((c) => c.id).sort()).toEqual(["aks-dev", "aks-prod", "aks-staging"]);

    expect(await stopPlatform(started.child)).toBe(0);
  });
});

async function httpsGetJson(url: string, ca: Buffer): Promise<unknown> {
  const https = await import("node:https");
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => {
        try { resolve(JSON.parse(body)); } catch (err) { reject(err instanceof Error ? err : new Error(String(err))); }
      });
    }).on("error", reject);
  });
}
