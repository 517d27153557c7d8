/**
 * `npm run bench:provision`: the ARM cost and the time of one baseline deployment. Runs the whole
 * local platform on a virtual clock (simulator at ARM's throttling limits, durations at their
 * modelled real length), posts one prod provisioning request (approval off, so the clock alone
 * drives it), and reports ARM requests per resource and the deployment's virtual duration against
 * the critical path of the dependency graph, each resource taking the time its step took.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { VirtualClock } from "../local/clock";
import { startLocalPlatform } from "../local/platform";
import { baselineProfile, criticalPathMs, validateProvisionRequest } from "../shared/domain/baseline";
import type { OperationRecord } from "../shared/store";
import type { Directory } from "../local/azure/arm-types";

const ADMINS = "6b1e0000-0000-4000-8000-0000000000b1";
const certs = (sub: string, n: string) => `/subscriptions/${sub}/resourceGroups/rg-bench-certs/providers/Microsoft.KeyVault/vaults/kv-bench-certs/secrets/${n}`;
const requestFor = (sub: string) => ({
  name: "aks-bench", environment: "prod", location: "westeurope", network: { hubAddressSpace: "10.200.0.0/24", spokeAddressSpace: "10.240.0.0/16" }, policy: { approval: "none" },
  access: { adminGroupObjectIds: [ADMINS] }, tls: { gatewayCertificateSecretId: certs(sub, "gateway-cert"), ingressRootCertificateSecretId: certs(sub, "ingress-root") }
});

/** The prerequisites a prod request names: the admin group in the directory, the certificates in a team's vault (written straight to the simulator's store). */
function seedPrerequisites(kernel: { service<T>(name: string): T | undefined; store: { put(id: string, r: Record<string, unknown>): unknown; envelope(id: string, fields: Record<string, unknown>): Record<string, unknown> } }, sub: string): void {
  kernel.service<Directory>("directory")?.add(ADMINS, "Group");
  const rg = `/subscriptions/${sub}/resourceGroups/rg-bench-certs`;
  kernel.store.put(rg, { ...kernel.store.envelope(rg, { location: "westeurope", properties: { provisioningState: "Succeeded" } }), type: "Microsoft.Resources/resourceGroups" });
  const vault = `${rg}/providers/Microsoft.KeyVault/vaults/kv-bench-certs`;
  kernel.store.put(vault, kernel.store.envelope(vault, { location: "westeurope", properties: { vaultUri: "https://kv-bench-certs.vault.azure.net/", enableRbacAuthorization: true, provisioningState: "Succeeded" } }));
  for (const n of ["gateway-cert", "ingress-root"]) {
    const id = `${vault}/secrets/${n}`;
    kernel.store.put(id, kernel.store.envelope(id, { location: "westeurope", properties: { secretUri: `https://kv-bench-certs.vault.azure.net/secrets/${n}`, attributes: { enabled: true } } }));
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "aksops-provision-bench-"));
  const clock = new VirtualClock("2026-12-01T08:00:00Z");
  const platform = await startLocalPlatform({ clock, dataDir, seed: "none", adoptDemoClusters: false, azurePersistEachWrite: false, hostOptions: { logger: () => undefined } });
  try {
    const kernel = platform.azure.kernel;
    const subscriptionId = platform.settings.AZURE_SUBSCRIPTION_ID ?? "";
    const request = requestFor(subscriptionId);
    seedPrerequisites(kernel, subscriptionId);
    const valid = validateProvisionRequest(request);
    if (!valid.ok) throw new Error(JSON.stringify(valid.issues));
    const profile = baselineProfile(valid.value, { subscriptionId, budgetStartDate: "2026-12-01T00:00:00Z" });
    const ids = profile.resources.map((r) => ({ key: r.key, id: r.id.toLowerCase() })).sort((a, b) => b.id.length - a.id.length);
    const perResource = new Map<string, { reads: number; writes: number }>();
    let polls = 0, other = 0;
    kernel.stats.reset();
    kernel.stats.on("response", (r) => {
      const p = r.path.split("?")[0]!.toLowerCase();
      if (/\/operations\/[^/]+$|\/operationresults\//.test(p)) { polls++; return; }
      const owner = ids.find((x) => p === x.id);
      if (!owner) { other++; return; }
      const entry = perResource.get(owner.key) ?? { reads: 0, writes: 0 };
      if (r.method === "GET") entry.reads++; else entry.writes++;
      perResource.set(owner.key, entry);
    });
    const wall0 = performance.now();
    const virtual0 = clock.now();
    const res = await fetch(`${platform.apiBase}/clusters`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const { operationId } = (await res.json()) as { operationId: string };
    let op: OperationRecord | undefined;
    for (let minute = 0; minute < 12 * 60; minute++) {
      await clock.advance(60_000);
      op = (await (await fetch(`${platform.apiBase}/operations/${encodeURIComponent(operationId)}`)).json()) as OperationRecord;
      if (op.status === "Succeeded" || op.status === "Failed") break;
    }
    const wallSeconds = (performance.now() - wall0) / 1000;
    if (!op || op.status !== "Succeeded") throw new Error(`provisioning ended ${op?.status}: ${JSON.stringify(op?.outcome)}`);
    const started = Date.parse(op.timings.startedAt ?? op.timings.createdAt);
    const ended = Date.parse(op.timings.endedAt ?? "");
    const stepMs = new Map<string, number>();
    const planned = (op as OperationRecord & { provisioning: { resources: { key: string; title: string }[] } }).provisioning.resources;
    for (const s of op.steps) {
      const key = planned.find((p) => s.name.endsWith(p.title))?.key;
      if (key && s.startedAt && s.endedAt) stepMs.set(key, Date.parse(s.endedAt) - Date.parse(s.startedAt));
    }
    const cp = criticalPathMs(profile.resources, (r) => stepMs.get(r.key) ?? 0);
    const reads = [...perResource.values()].reduce((n, e) => n + e.reads, 0), writes = [...perResource.values()].reduce((n, e) => n + e.writes, 0);
    const n = profile.resources.length;
    const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
    console.log(`resources: ${n} (${op.steps.length} steps in ${new Set((op as unknown as { provisioning: { resources: { wave?: number }[] } }).provisioning.resources.map((r) => r.wave)).size} waves)`);
    console.log(`ARM requests: ${kernel.stats.total} total = ${(kernel.stats.total / n).toFixed(2)} per resource; on the resources: ${reads} GET + ${writes} PUT; ${polls} operation polls; ${other} other (adoption, cluster reads); 429s: ${kernel.stats.throttled}`);
    console.log(`virtual time: ${min(ended - started)} (request → record Succeeded: ${min(ended - virtual0)}); critical path of the graph with measured step times: ${min(cp.ms)}`);
    console.log(`critical path: ${cp.path.map((k) => `${k} ${min(stepMs.get(k) ?? 0)}`).join(" → ")}`);
    console.log(`wall clock: ${wallSeconds.toFixed(1)} s`);
    const top = [...perResource.entries()].sort((a, b) => (b[1].reads + b[1].writes) - (a[1].reads + a[1].writes)).slice(0, 8);
    console.log(`most requests: ${top.map(([k, e]) => `${k} ${e.reads}R/${e.writes}W`).join(", ")}`);
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
