import { mkdtempSync, rmSync } from "node:fs";
import { createServer, get as httpsGet, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { ensureLocalCertificate, type LocalCertificate } from "../../../local/certs";
import { armScope, createArmClients, createCredential, createLogsQueryClient, LocalTokenCredential, LocalTrustError, type ArmSettings } from "../../../shared/azure";

interface SeenRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  authorization: string | undefined;
}

const SUB = "00000000-0000-0000-0000-000000000001";
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

/** A tiny ARM look-alike: enough for each client generation to parse one answer. */
function armAnswer(path: string): unknown {
  const p = path.toLowerCase();
  if (p === CLUSTER_ID.toLowerCase()) {
    return { id: CLUSTER_ID, name: "aks-prod", type: "Microsoft.ContainerService/managedClusters", location: "westeurope", properties: { kubernetesVersion: "1.31.5", provisioningState: "Succeeded" } };
  }
  if (p === `/subscriptions/${SUB}/resourcegroups/rg-aks-prod`) {
    return { id: `/subscriptions/${SUB}/resourceGroups/rg-aks-prod`, name: "rg-aks-prod", location: "westeurope", properties: { provisioningState: "Succeeded" } };
  }
  if (p.endsWith("/providers/microsoft.eventgrid/systemtopics/aks-prod-topic")) {
    return { id: path, name: "aks-prod-topic", location: "westeurope", properties: { source: CLUSTER_ID, topicType: "Microsoft.ContainerService.ManagedClusters" } };
  }
  if (p === `/subscriptions/${SUB}/providers/microsoft.consumption/budgets/monthly`) {
    return { id: path, name: "monthly", properties: { category: "Cost", amount: 1000, timeGrain: "Monthly", timePeriod: { startDate: "2026-01-01T00:00:00Z" } } };
  }
  if (p === "/v1/workspaces/ws-1/query") {
    return { tables: [{ name: "PrimaryResult", columns: [{ name: "n", type: "long" }], rows: [[42]] }] };
  }
  return undefined;
}

describe("SDK client factories against a local HTTPS endpoint", () => {
  let dataDir: string;
  let cert: LocalCertificate;
  let otherCert: LocalCertificate;
  let server: Server;
  let endpoint: string;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "aksops-azure-"));
    cert = await ensureLocalCertificate(join(dataDir, "a"));
    otherCert = await ensureLocalCertificate(join(dataDir, "b"));
    server = createServer({ key: cert.key, cert: cert.cert }, (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      seen.push({ method: req.method ?? "", path: url.pathname, apiVersion: url.searchParams.get("api-version"), authorization: req.headers.authorization });
      req.resume();
      const body = armAnswer(url.pathname);
      res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(body ?? { error: { code: "NotFound", message: `no ${url.pathname}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const localSettings = (caPath: string): ArmSettings => ({ mode: "local", subscriptionId: SUB, armEndpoint: `${endpoint}/`, localCaPath: caPath });

  it("TypeSpec-generation clients (container service, resources) reach the endpoint, trusting the local CA, with the local token", async () => {
    const arm = createArmClients(localSettings(cert.caPath));
    const cluster = await arm.containerService.managedClusters.get("rg-aks-prod", "aks-prod");
    expect(cluster.kubernetesVersion).toBe("1.31.5");
    const group = await arm.resources.resourceGroups.get("rg-aks-prod");
    expect(group.name).toBe("rg-aks-prod");
    expect(seen.map((r) => r.path)).toEqual([CLUSTER_ID, `/subscriptions/${SUB}/resourcegroups/rg-aks-prod`]);
    for (const r of seen) {
      expect(r.authorization).toBe(`Bearer ${LocalTokenCredential.token}`);
      expect(r.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    }
  });

  it("AutoRest-generation clients (event grid, consumption) use the same endpoint through $host", async () => {
    const arm = createArmClients(localSettings(cert.caPath));
    const topic = await arm.eventGrid.systemTopics.get("rg-aks-prod", "aks-prod-topic");
    expect(topic.source).toBe(CLUSTER_ID);
    const budget = await arm.consumption.budgets.get(`subscriptions/${SUB}`, "monthly");
    expect(budget.amount).toBe(1000);
    expect(seen.every((r) => r.authorization === `Bearer ${LocalTokenCredential.token}`)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it("fails the TLS handshake when the configured CA is not the one the endpoint uses", async () => {
    const arm = createArmClients(localSettings(otherCert.caPath));
    await expect(arm.containerService.managedClusters.get("rg-aks-prod", "aks-prod")).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    expect(seen).toHaveLength(0);
  });

  it("changes nothing process-wide: a plain HTTPS request still refuses the local certificate", async () => {
    createArmClients(localSettings(cert.caPath));
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    const outcome = await new Promise<string>((resolve) => {
      httpsGet(`${endpoint}${CLUSTER_ID}`, (res) => {
        res.resume();
        resolve(`answered ${res.statusCode}`);
      }).on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(outcome).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("builds each client once per config", () => {
    const settings = localSettings(cert.caPath);
    const arm = createArmClients(settings);
    expect(createArmClients(settings)).toBe(arm);
    expect(arm.network).toBe(arm.network);
    expect(createArmClients({ ...settings })).not.toBe(arm);
    expect(armScope("https://management.azure.com/")).toBe("https://management.azure.com/.default");
  });

  it("the Log Analytics client queries `${MONITOR_LOGS_ENDPOINT}/v1` with the local token", async () => {
    const logs = createLogsQueryClient({ mode: "local", monitorLogsEndpoint: endpoint, localCaPath: cert.caPath });
    const result = await logs.queryWorkspace("ws-1", "print n = 42", { duration: "PT1H" });
    expect(result.status).toBe("Success");
    expect(seen.map((r) => [r.method, r.path, r.authorization])).toEqual([["POST", "/v1/workspaces/ws-1/query", `Bearer ${LocalTokenCredential.token}`]]);
  });

  it("credentials: a never-expiring local token; managed identity in Azure; local mode without a CA is refused", async () => {
    const local = createCredential({ mode: "local" });
    const token = await local.getToken("https://management.azure.com/.default");
    expect(token?.token).toBe(LocalTokenCredential.token);
    expect(token?.expiresOnTimestamp).toBe(Date.UTC(9999, 0, 1));
    const settings = { mode: "azure" as const, managedIdentityClientId: "11111111-2222-3333-4444-555555555555" };
    expect(createCredential(settings)).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential(settings)).toBe(createCredential(settings));
    expect(() => createArmClients({ mode: "local", subscriptionId: SUB, armEndpoint: endpoint })).toThrow(LocalTrustError);
  });
});
