/**
 * A child process for the crash tests: the embedded Cosmos and the Azure simulator (demo fleet,
 * real clock) on the data dir given as argv[2]. It prints one JSON line with their endpoints, then
 * serves until it is killed.
 */
import { RealClock } from "../../local/clock";
import { ensureLocalCertificate } from "../../local/certs";
import { startAzureSimulator } from "../../local/azure";
import { startEmbeddedCosmos } from "../../local/cosmos";

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error("usage: localStateChild <dataDir>");
  const clock = new RealClock();
  const cert = await ensureLocalCertificate(dataDir);
  const cosmos = await startEmbeddedCosmos({ dataDir, port: 0, cert, clock });
  const azure = await startAzureSimulator({ clock, dataDir, port: 0, seed: "demo" });
  process.stdout.write(`${JSON.stringify({ cosmos: cosmos.endpoint, cosmosKey: cosmos.key, arm: azure.baseUrl, caPath: cert.caPath, subscriptionId: azure.kernel.config.subscriptionId })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
