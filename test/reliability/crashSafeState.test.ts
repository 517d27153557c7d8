/**
 * Issue 10, item 10: an acknowledged write survives a SIGKILL. The embedded Cosmos and the Azure
 * simulator run in a child process (`localStateChild`); writes go through the real SDKs; the
 * child is SIGKILLed the moment the last answer arrives, with no stop() and no periodic save
 * having run, and a new child on the same data dir must show every write.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { CosmosClient } from "@azure/cosmos";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { LocalTokenCredential } from "../../shared/azure";
import { ContainerNames } from "../../shared/store";

interface Endpoints { cosmos: string; cosmosKey: string; arm: string; caPath: string; subscriptionId: string }

const CHILD = path.join(__dirname, "localStateChild.js");

function startChild(dataDir: string): Promise<{ child: ChildProcess; endpoints: Endpoints }> {
  const child = spawn(process.execPath, [CHILD, dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => resolve({ child, endpoints: JSON.parse(line) as Endpoints }));
    child.once("exit", (code) => reject(new Error(`child exited with ${String(code)}: ${stderr}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

function clients(e: Endpoints): { cosmos: CosmosClient; aks: ContainerServiceClient } {
  const ca = readFileSync(e.caPath, "utf8");
  const cosmos = new CosmosClient({ endpoint: e.cosmos, key: e.cosmosKey, agent: new Agent({ ca }), connectionPolicy: { enableEndpointDiscovery: false } });
  const aks = new ContainerServiceClient(new LocalTokenCredential(), e.subscriptionId, {
    endpoint: e.arm, credentials: { scopes: [`${e.arm}/.default`] },
    additionalPolicies: [{ policy: agentPolicy(new Agent({ ca })), position: "perCall" }]
  });
  return { cosmos, aks };
}

describe("local state across a SIGKILL (issue 10, item 10)", () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  const disposables: CosmosClient[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "aksops-crash-state-"));
  });

  afterAll(async () => {
    for (const c of disposables) c.dispose();
    await Promise.all(children.map(kill));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged Cosmos and ARM write", async () => {
    const first = await startChild(dataDir);
    children.push(first.child);
    const a = clients(first.endpoints);
    disposables.push(a.cosmos);
    const operations = a.cosmos.database("aksops").container(ContainerNames.operations);
    await operations.items.create({ id: "op-1", clusterId: "aks-prod", status: "Running" });
    const { resource: created } = await operations.items.create({ id: "op-2", clusterId: "aks-dev", status: "Running" });
    await operations.item("op-2", "aks-dev").replace({ ...created, status: "Succeeded" });
    await operations.items.upsert({ id: "op-3", clusterId: "aks-dev", status: "Queued" });
    await operations.item("op-1", "aks-prod").delete();
    await a.aks.maintenanceConfigurations.createOrUpdate("rg-aks-prod", "aks-prod", "aksManagedNodeOSUpgradeSchedule", {
      maintenanceWindow: { schedule: { daily: { intervalDays: 1 } }, durationHours: 6, startTime: "00:30" }
    });
    await a.aks.managedClusters.updateTags("rg-aks-dev", "aks-dev", { tags: { owner: "platform-team" } });
    await kill(first.child);

    const second = await startChild(dataDir);
    children.push(second.child);
    const b = clients(second.endpoints);
    disposables.push(b.cosmos);
    const { resources } = await b.cosmos.database("aksops").container(ContainerNames.operations).items.readAll().fetchAll();
    expect(resources.map((r) => ({ id: r.id as string, status: r.status as string })).sort((x, y) => x.id.localeCompare(y.id)))
      .toEqual([{ id: "op-2", status: "Succeeded" }, { id: "op-3", status: "Queued" }]);
    const window = await b.aks.maintenanceConfigurations.get("rg-aks-prod", "aks-prod", "aksManagedNodeOSUpgradeSchedule");
    expect(window.maintenanceWindow?.durationHours).toBe(6);
    const dev = await b.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    expect(dev.tags).toMatchObject({ owner: "platform-team" });
  }, 45_000);
});
