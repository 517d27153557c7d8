/**
 * The app's Functions host in a child process, started through the `aksops-host` CLI exactly as
 * an operator would (`node local/host/bin/aksops-host.js <appDir> --port <p> --data-dir <dir>`,
 * settings as environment variables), so a test can SIGKILL it: no `stop()`, no flushed state,
 * whatever the durable engine had not checkpointed is gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

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
export { freePort } from "../../local/platform";

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
