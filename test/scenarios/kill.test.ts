/**
 * Scenario 9 of issue 4 with a real crash: the Functions host runs in its own process (the
 * `aksops-host` CLI) and is SIGKILLed the instant ARM answers the PUT that starts the first
 * agent-pool upgrade, before the platform has seen the answer, let alone checkpointed it. Azure
 * (the simulator) and Cosmos live on in this process. A new host on the same data dir resumes the
 * durable instance: the lost `startUpgradeStep` runs again, finds the pool already upgrading and
 * does not PUT twice. The operation completes once and ARM shows one upgrade per step.
 *
 * This test runs on the REAL clock by necessity: the host is another process, and a virtual clock
 * cannot be shared across a process boundary (nor survive a SIGKILL). It is kept short and bounded
 * instead: simulator durations scaled to seconds (`SCALE`), the upgrade polled every second (the
 * UPGRADE_POLL_* settings), every wait a deadline-bounded poll of a public API, the child killed
 * in afterAll whatever happens.
 *
 * Before adoption, an operator turns AKS auto-upgrade off on aks-dev through ARM, as the platform
 * would: adoption's own ARM step polls at runArmStep's fixed 30 s default, which would spend half
 * of this test's budget waiting for a 0.6 s change. The adoption still runs through the API and
 * subscribes the cluster's Event Grid system topic to the child host.
 */
import { Agent, request } from "node:https";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { agentPolicy } from "@azure/core-rest-pipeline";
import type { AzureSimulator } from "../../local/azure";
import type { RequestRecord } from "../../local/azure/kernel/stats";
import { LocalTokenCredential } from "../../shared/azure";
import type { OperationRecord } from "../../shared/store";
import { eventually, startCrashRig, type CrashRig, type HostProcess } from "./hostProcess";

/**
 * A control-plane hop takes ~1.8 s, the system pool's roll ~4.2 s, the user pool's ~3 s: the system
 * pool is still rolling when the restarted host (up in ~1-2 s) re-runs the lost start. (At 0.01
 * this test spent ~15 of its ~21 s waiting for the simulated rolls.)
 */
const SCALE = 0.006;
const TARGET = "1.36.3";
const UPGRADE_ID = `k8s-upgrade:aks-dev:${TARGET}`;

type Stats = Record<string, Record<string, number>>;

describe("host SIGKILLed mid-upgrade (scenario 9, a real crash)", () => {
  let rig: CrashRig;
  let azure: AzureSimulator;
  let aks: ContainerServiceClient;
  let ca: string;
  let settings: Record<string, string>;
  const startHost = (): Promise<HostProcess> => rig.startHost();

  beforeAll(async () => {
    rig = await startCrashRig("aksops-kill-", SCALE);
    ({ azure, ca, settings } = rig);
    aks = new ContainerServiceClient(new LocalTokenCredential(), settings.AZURE_SUBSCRIPTION_ID ?? "", {
      endpoint: azure.baseUrl, credentials: { scopes: [`${azure.baseUrl}/.default`] },
      additionalPolicies: [{ policy: agentPolicy(new Agent({ ca })), position: "perCall" }]
    });
  }, 20_000);

  afterAll(async () => {
    await rig?.stop();
  }, 15_000);

  const api = async <T>(host: HostProcess, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${host.baseUrl}/api${route}`, {
      method, signal: AbortSignal.timeout(5000),
      ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {})
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  const operationWhen = (host: HostProcess, id: string, done: (op: OperationRecord) => boolean, what: string, timeoutMs: number): Promise<OperationRecord> =>
    eventually(what, async () => {
      const res = await api<OperationRecord>(host, "GET", `/operations/${encodeURIComponent(id)}`);
      return res.status === 200 && done(res.body) ? res.body : undefined;
    }, timeoutMs);

  /** A failed wait names what the platform was doing: its operation record and the host's last output. */
  const explained = async <T>(host: HostProcess, wait: Promise<T>): Promise<T> => {
    try {
      return await wait;
    } catch (err) {
      const op = await api<unknown>(host, "GET", `/operations/${encodeURIComponent(UPGRADE_ID)}`).catch((e: unknown) => ({ status: 0, body: String(e) }));
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- ${UPGRADE_ID} (${op.status}) ---\n${JSON.stringify(op.body, null, 1)}\n--- host output (tail) ---\n${host.output().slice(-6000)}`);
    }
  };

  const control = <T>(method: string, route: string, body?: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(`${azure.baseUrl}${route}`), { method, ca, timeout: 5000, headers: body !== undefined ? { "content-type": "application/json" } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as T));
      });
      req.on("error", reject);
      req.end(body !== undefined ? JSON.stringify(body) : undefined);
    });
  const armStats = async (): Promise<Stats> => (await control<{ operations: Stats }>("GET", "/_sim/stats")).operations;
  const delta = (before: Stats, after: Stats, operation: string, status?: string): number => {
    const total = (s: Stats): number => Object.entries(s[operation] ?? {}).filter(([k]) => status === undefined || k === status).reduce((n, [, v]) => n + v, 0);
    return total(after) - total(before);
  };

  it("completes the upgrade once after a SIGKILL and a restart on the same data dir, one ARM upgrade per step", async () => {
    const began = Date.now();
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks-dev", "aks-dev", {
      ...(await aks.managedClusters.get("rg-aks-dev", "aks-dev")),
      autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "None" }
    }, { updateIntervalInMs: 100 });

    const first = await startHost();
    const adopt = await api<{ operationId: string }>(first, "POST", "/clusters/adopt", {
      resourceId: `/subscriptions/${settings.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-aks-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev`,
      environment: "dev"
    });
    expect(adopt.status).toBe(202);
    const adoption = await operationWhen(first, adopt.body.operationId, (o) => o.status === "Succeeded" || o.status === "Failed", "the adoption", 10_000);
    if (adoption.status !== "Succeeded") throw new Error(JSON.stringify(adoption).slice(0, 3000));

    const before = await armStats();
    let killed: Promise<void> | undefined;
    const onResponse = (r: RequestRecord): void => {
      // Recorded as ARM answers, before the response reaches the host: it dies not knowing.
      if (!killed && r.operation === "AgentPools_CreateOrUpdate" && r.status === 200 && r.path.toLowerCase().includes("/managedclusters/aks-dev/")) {
        killed = first.kill();
      }
    };
    azure.kernel.stats.on("response", onResponse);
    try {
      await control("POST", "/_sim/kubernetes-releases", { version: TARGET });
      await explained(first, eventually("the first pool upgrade to start", () => Promise.resolve(killed ? true : undefined), 20_000, 20));
      await killed;
    } finally {
      azure.kernel.stats.off("response", onResponse);
    }
    expect(first.child.signalCode).toBe("SIGKILL");
    // Azure carries on without the platform: the pool the dead host started keeps rolling.
    expect((await aks.agentPools.get("rg-aks-dev", "aks-dev", "system")).provisioningState).toBe("Upgrading");

    const second = await startHost();
    const op = await explained(second, operationWhen(second, UPGRADE_ID, (o) => o.status === "Succeeded" || o.status === "Failed", "the upgrade to finish after the restart", 30_000));
    expect(op.status).toBe("Succeeded");
    // The start whose answer died with the first host ran again (its completion was never
    // checkpointed), then the user pool's: idempotency, not luck, kept ARM at one PUT per pool.
    const starts = (host: HostProcess): number => host.output().split("\n").filter((l) => l.includes("Executing 'Functions.startUpgradeStep'")).length;
    expect([starts(first), starts(second)]).toEqual([2, 2]);
    expect(op.steps.map((s) => [s.name, s.status])).toEqual([
      ["control plane 1.35.4 → 1.36.3", "Succeeded"], ["pool system 1.35.4 → 1.36.3", "Succeeded"], ["pool user 1.35.4 → 1.36.3", "Succeeded"]
    ]);

    const after = await armStats();
    expect(delta(before, after, "ManagedClusters_CreateOrUpdate")).toBe(1);
    expect(delta(before, after, "ManagedClusters_CreateOrUpdate", "200")).toBe(1);
    // Every status, not only 200: the re-run start found the roll under way and wrote nothing.
    expect(delta(before, after, "AgentPools_CreateOrUpdate")).toBe(2);
    expect(delta(before, after, "AgentPools_CreateOrUpdate", "200")).toBe(2);
    const cluster = await aks.managedClusters.get("rg-aks-dev", "aks-dev");
    expect([cluster.currentKubernetesVersion, ...(cluster.agentPoolProfiles ?? []).map((p) => p.currentOrchestratorVersion)]).toEqual([TARGET, TARGET, TARGET]);

    // Once: one upgrade operation for the cluster, one summary in Teams.
    const ops = await api<{ value: OperationRecord[] }>(second, "GET", "/operations?clusterId=aks-dev");
    expect(ops.body.value.filter((o) => o.kind === "kubernetesUpgrade").map((o) => o.id)).toEqual([UPGRADE_ID]);
    const summaries = await eventually("the Teams summary", async () => {
      const { value } = await control<{ value: { card: { body?: unknown[] } }[] }>("GET", "/_sim/teams/messages");
      const found = value.filter((m) => JSON.stringify(m.card.body ?? []).includes(`Kubernetes upgrade to ${TARGET} succeeded: aks-dev`));
      return found.length > 0 ? found : undefined;
    }, 5_000);
    expect(summaries).toHaveLength(1);
    expect(Date.now() - began).toBeLessThan(50_000);
  }, 55_000);
});
