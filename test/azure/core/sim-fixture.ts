/**
 * Test fixture: a simulator on a VirtualClock and SDK client options that trust its CA explicitly
 * (an https.Agent with `ca`, added through the pipeline's agentPolicy) with a static token.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenCredential } from "@azure/core-auth";
import { agentPolicy, RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { VirtualClock } from "../../../local/clock";
import { startAzureSimulator, type AzureSimulator, type AzureSimulatorOptions } from "../../../local/azure";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";

export interface SimFixture {
  clock: VirtualClock;
  sim: AzureSimulator;
  dataDir: string;
  ca: string;
  agent: Agent;
  credential: TokenCredential;
  /** Options for any @azure/arm-* client: endpoint, trusted CA, no wall-clock retry waits unless asked. */
  clientOptions: { endpoint: string; additionalPolicies: { policy: PipelinePolicy; position: "perCall" }[] };
  /** A raw HTTPS request against the simulator (control API, protocol checks). */
  raw(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export const staticCredential: TokenCredential = {
  getToken: async () => ({ token: "simulator-token", expiresOnTimestamp: Date.now() + 3600_000 })
};

export async function startFixture(options: Partial<AzureSimulatorOptions> = {}, dataDir?: string): Promise<SimFixture> {
  const clock = (options.clock as VirtualClock | undefined) ?? new VirtualClock("2026-11-02T08:00:00Z");
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "aksops-sim-"));
  const sim = await startAzureSimulator({ seed: "none", ...options, clock, dataDir: dir });
  const ca = readFileSync(sim.caPath, "utf8");
  const agent = new Agent({ ca, keepAlive: true });
  const raw = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(path, sim.baseUrl);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpsRequest(url, {
        method, agent,
        headers: { ...(payload ? { "content-type": "application/json", "content-length": String(payload.length) } : {}), ...headers }
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  return {
    clock, sim, dataDir: dir, ca, agent, credential: staticCredential, raw,
    clientOptions: { endpoint: sim.baseUrl, additionalPolicies: [{ policy: agentPolicy(agent), position: "perCall" }] },
    close: async () => {
      await sim.stop();
      agent.destroy();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Advances the virtual clock in steps until `promise` settles (for SDK pollers polling with interval 0). */
export async function driveUntilSettled<T>(clock: VirtualClock, promise: Promise<T>, stepMs = 10_000, maxSteps = 10_000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => { settled = true; });
  for (let i = 0; i < maxSteps && !settled; i++) {
    await clock.advance(stepMs);
    await new Promise((r) => setImmediate(r));
  }
  return watched;
}

/** What an SDK call was refused with (status, code, message), or "no error"; anything but a RestError is rethrown. */
export async function refusal(p: Promise<unknown>): Promise<{ status?: number; code?: string; message: string } | "no error"> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RestError) return { status: err.statusCode, code: err.code, message: err.message };
    throw err;
  }
  return "no error";
}

/** What an SDK call that must fail was refused with; a call that succeeds fails the test. */
export async function rejection(p: Promise<unknown>): Promise<{ status?: number; code?: string; message: string }> {
  const refused = await refusal(p);
  if (refused === "no error") throw new Error("expected a rejection");
  return refused;
}

/**
 * A TypeSpec-generated client's long-running call (a PollerLike: ACR, Key Vault, Log Analytics)
 * run to its end: submitted, the virtual clock past any simulated duration, then its result.
 */
export async function settled<T>(f: Pick<SimFixture, "clock">, poller: { submitted(): Promise<void>; pollUntilDone(): Promise<T> }): Promise<T> {
  await poller.submitted();
  await f.clock.advance(30 * 60_000);
  return poller.pollUntilDone();
}
