/**
 * The app's Functions host in a child process, started through the `aksops-host` CLI exactly as
 * an operator would (`node local/host/bin/aksops-host.js <appDir> --port <p> --data-dir <dir>`,
 * settings as environment variables), so a test can SIGKILL it: no `stop()`, no flushed state,
 * whatever the durable engine had not checkpointed is gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RealClock } from "../../local/clock";
import { ensureLocalCertificate } from "../../local/certs";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../local/cosmos";
import { freePort } from "../../local/platform";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
const cli = path.join(repoRoot, "local", "host", "bin", "aksops-host.js");
/** The child's output, bounded: a few seconds of host logs are a few hundred kilobytes. */
const OUTPUT_MAX_CHARS = 8_000_000;

export class HostProcessError extends Error {
  override readonly name = "HostProcessError";
  constructor(message: string, readonly output: string) {
    super(`${message}\n--- host output (tail) ---\n${output.slice(-6000)}`);
  }
}

export interface HostProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** The child's stdout and stderr so far (the newest part when it grew past its bound). */
  output(): string;
  /** Resolves when the child has exited (at once if it already has). */
  exited(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

export interface HostProcessOptions {
  port: number;
  dataDir: string;
  settings: Record<string, string>;
  /** How long the host may take to answer `GET /api/health`. */
  readyTimeoutMs: number;
}

export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = spawn(process.execPath, [cli, repoRoot, "--port", String(options.port), "--data-dir", options.dataDir], {
    env: { ...process.env, ...options.settings },
    stdio: ["ignore", "pipe", "pipe"]
  });
  const chunks: string[] = [];
  let kept = 0;
  const keep = (chunk: Buffer): void => {
    chunks.push(chunk.toString("utf8"));
    kept += chunk.length;
    while (kept > OUTPUT_MAX_CHARS && chunks.length > 1) kept -= chunks.shift()?.length ?? 0;
  };
  const output = (): string => chunks.join("");
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;

  const handle: HostProcess = {
    child,
    baseUrl: `http://127.0.0.1:${options.port}`,
    output,
    exited: () => exit,
    kill: async () => {
      if (!hasExited()) child.kill("SIGKILL");
      await exit;
    }
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (hasExited()) throw new HostProcessError(`aksops-host exited (${child.exitCode ?? child.signalCode}) before it was ready`, output());
    const status = await fetch(`${handle.baseUrl}/api/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);
    if (status === 200) return handle;
    if (Date.now() > deadline) {
      await handle.kill();
      throw new HostProcessError(`aksops-host did not answer /api/health within ${options.readyTimeoutMs} ms`, output());
    }
    await pause(50);
  }
}

/** A free loopback port, chosen before the host starts because PUBLIC_BASE_URL must name it. */
export { freePort };

/**
 * Polls `probe` on wall time until it returns a value: the host runs in another process on the
 * real clock, so there is no virtual time to advance. Bounded by `timeoutMs`.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The crash tests' rig: the embedded Cosmos and the Azure simulator in this process on the real
 * clock, the settings a host child runs with (polls and the health settle at 1 s), and children
 * started on one port and data dir, so one can be SIGKILLed and the next resumes its state.
 */
export interface CrashRig {
  dataDir: string;
  cosmos: EmbeddedCosmos;
  azure: AzureSimulator;
  /** The local CA, PEM. */
  ca: string;
  settings: Record<string, string>;
  startHost(): Promise<HostProcess>;
  /** Kills every child, stops the simulator and Cosmos, removes the data dir. */
  stop(): Promise<void>;
}

export async function startCrashRig(prefix: string, durationScale: number): Promise<CrashRig> {
  const clock = new RealClock();
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  const cert = await ensureLocalCertificate(dataDir);
  const cosmos = await startEmbeddedCosmos({ dataDir, port: 0, cert, clock });
  const azure = await startAzureSimulator({ clock, dataDir, port: 0, seed: "demo", durationScale, persist: false });
  const hostPort = await freePort();
  const eventGridKey = randomBytes(32).toString("base64url");
  const settings: Record<string, string> = {
    AKSOPS_MODE: "local", AZURE_SUBSCRIPTION_ID: azure.kernel.config.subscriptionId, ARM_ENDPOINT: azure.baseUrl,
    MONITOR_METRICS_ENDPOINT: `${azure.baseUrl}/_metrics/{region}`,
    COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, AKSOPS_LOCAL_CA_PATH: cert.caPath,
    TEAMS_WEBHOOK_URL: `${azure.baseUrl}/_sim/teams/ops`, APPROVAL_SIGNING_KEY: randomBytes(32).toString("base64url"),
    PUBLIC_BASE_URL: `http://127.0.0.1:${hostPort}`,
    UPGRADE_POLL_INTERVAL_SECONDS: "1", UPGRADE_POLL_MAX_INTERVAL_SECONDS: "1", HEALTH_SETTLE_SECONDS: "1",
    // A killed host's event lease runs out before its restart is up, so the redeliveries retake it.
    EVENT_LEASE_SECONDS: "1",
    // Event Grid's subscription handshake must present the host's eventgrid_extension key.
    EVENTGRID_SYSTEM_KEY: eventGridKey, FUNCTIONS_SYSTEM_KEY_EVENTGRID_EXTENSION: eventGridKey
  };
  const hosts: HostProcess[] = [];
  return {
    dataDir, cosmos, azure, ca: readFileSync(cert.caPath, "utf8"), settings,
    startHost: async () => {
      const host = await startHostProcess({ port: hostPort, dataDir: path.join(dataDir, "host"), settings, readyTimeoutMs: 15_000 });
      hosts.push(host);
      return host;
    },
    stop: async () => {
      await Promise.all(hosts.map((h) => h.kill()));
      await azure.stop();
      await cosmos.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
