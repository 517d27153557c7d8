/**
 * `npm start` (after `npm run build`): the whole platform on this machine — embedded Cosmos, the
 * Azure simulator with its demo fleet, and the local Functions host running this app — on the real
 * clock, with data in `.data/` (a restart keeps it). The demo clusters are adopted on first start.
 *
 * Ports (DESIGN "Ports"): host 7071 (`PORT`), simulator 8443 (`AKSOPS_AZURE_PORT`), Cosmos 8081
 * (`AKSOPS_COSMOS_PORT`). `AKSOPS_DATA_DIR` moves the data; `AKSOPS_DURATION_SCALE` (default 0.02)
 * shrinks the simulator's operation durations so a pool upgrade takes seconds, not minutes; the
 * operation poll intervals (OPERATION_POLL_INTERVAL_SECONDS, OPERATION_POLL_MAX_INTERVAL_SECONDS) shrink
 * with it unless the environment sets them, so the platform notices a finished step within seconds.
 */
import path from "node:path";
import { MAX_POLL_INTERVAL_SECONDS, SettingDefaults, SettingNames, settingNameIn } from "../shared/config";
import { RealClock } from "./clock";
import { describeFunctions } from "./host/describe";
import { startLocalPlatform, type LocalPlatform } from "./platform";
import { redactError, redactSecrets } from "./host/redact";

const repoRoot = path.resolve(__dirname, "..", "..");

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
  return port;
}

function scaleFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return scale;
}

/**
 * The app's default polling (30 s doubling to 300 s) scaled like the simulator's durations, for the ones the environment does not set
 * (the app validates whatever ends up set). The cap never falls below a first interval set by hand;
 * both stay within what the app accepts, whatever the scale.
 */
export function scaledPollSettings(scale: number, env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  // A setting given under its deprecated name (UPGRADE_POLL_*) counts as given.
  const given = (name: string): string | undefined => env[settingNameIn(env, name)]?.trim() || undefined;
  const { operationPollIntervalSeconds: FIRST, operationPollMaxIntervalSeconds: CAP } = SettingNames;
  const firstGiven = given(FIRST);
  const within = (seconds: number, floor: number): number => Math.min(MAX_POLL_INTERVAL_SECONDS, Math.max(floor, Math.round(seconds)));
  const first = firstGiven === undefined ? within(SettingDefaults.operationPollIntervalSeconds * scale, 1) : Number(firstGiven);
  const out: Record<string, string> = {};
  if (firstGiven === undefined) out[FIRST] = String(first);
  if (given(CAP) === undefined) {
    const cap = within(SettingDefaults.operationPollMaxIntervalSeconds * scale, 5);
    out[CAP] = String(Number.isInteger(first) ? Math.max(cap, first) : cap);
  }
  if (given(SettingNames.healthSettleSeconds) === undefined) {
    out[SettingNames.healthSettleSeconds] = String(Math.min(MAX_POLL_INTERVAL_SECONDS, Math.round(SettingDefaults.healthSettleSeconds * scale)));
  }
  return out;
}

function setting(platform: LocalPlatform, name: string): string {
  return platform.settings[name] ?? process.env[settingNameIn(process.env, name)] ?? "?";
}

export async function main(): Promise<LocalPlatform> {
  const dataDir = path.resolve(process.env.AKSOPS_DATA_DIR ?? path.join(repoRoot, ".data"));
  const durationScale = scaleFrom("AKSOPS_DURATION_SCALE", 0.02);
  const platform = await startLocalPlatform({
    clock: new RealClock(),
    dataDir,
    ports: { host: portFrom("PORT", 7071), azure: portFrom("AKSOPS_AZURE_PORT", 8443), cosmos: portFrom("AKSOPS_COSMOS_PORT", 8081) },
    durationScale,
    seed: "demo",
    // Issue 31: the demo fleet spans two subscriptions (aks-staging in the second), both managed.
    demoSubscriptions: 2,
    adoptDemoClusters: true,
    settings: scaledPollSettings(durationScale)
  });
  const sim = platform.azure.baseUrl;
  console.log(describeFunctions(platform.host));
  console.log([
    "",
    "aksops is running on its embedded local runtime:",
    `  Platform API         ${platform.apiBase}   (try GET ${platform.apiBase}/clusters)`,
    `  Health               ${platform.apiBase}/health`,
    `  Teams inbox          ${sim}/_sim/teams/messages`,
    `  Simulator control    ${sim}/_sim/  (kubernetes-releases, node-images, faults, events, stats, fleet)`,
    `  ARM endpoint         ${sim}   (any Bearer token)`,
    `  Cosmos endpoint      ${platform.cosmos.endpoint}`,
    `  Local CA (trust it)  ${platform.azure.caPath}`,
    `  Data directory       ${dataDir}`,
    `  Upgrade polling      every ${setting(platform, SettingNames.operationPollIntervalSeconds)} s, doubling to ${setting(platform, SettingNames.operationPollMaxIntervalSeconds)} s (duration scale ${durationScale})`,
    platform.adoptions.length > 0 ? `  Adopted on this start: ${platform.adoptions.map((a) => a.clusterId).join(", ")}` : "  Demo clusters already adopted (kept in the data directory)",
    "",
    ...provisioningExample(platform.apiBase),
    ""
  ].join("\n"));
  const stop = (): void => {
    platform.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(redactError(err));
      process.exit(1);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return platform;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(redactSecrets(err instanceof Error ? err.message : String(err)));
    process.exit(1);
  });
}

/** The banner's provisioning example: a baseline cluster `aks-demo` in dev, and what it deploys. */
function provisioningExample(apiBase: string): string[] {
  const body = JSON.stringify({ name: "aks-demo", environment: "dev", location: "westeurope", network: { hubAddressSpace: "10.200.0.0/24", spokeAddressSpace: "10.240.0.0/16" } });
  return [
    "Provision a baseline cluster (dev applies without approval; staging and prod ask once in Teams):",
    `  curl -s -X POST ${apiBase}/clusters -H 'content-type: application/json' -d '${body}'`,
    `  curl -s ${apiBase}/operations/provision:aks-demo | jq '.provisioning.summary, [.steps[] | {name, status}]'`,
    "  deploys: rg-aks-demo-networking (hub VNet, Azure Firewall + policy + rules + IP group, spoke VNet with 5 subnets,",
    "  5 NSGs, route table 0.0.0.0/0 → the firewall's private IP, peerings both ways, App Gateway IP) and rg-aks-demo",
    "  (Log Analytics, ACR Premium and Key Vault with private endpoints and DNS zones, 3 identities and their role",
    "  assignments, the AKS cluster, AcrPull for its kubelet, its diagnostic setting, the budget, WAF policy, App",
    "  Gateway WAF_v2); then the cluster is registered and adopted."
  ];
}
