import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { agentPolicy, type PipelinePolicy } from "@azure/core-rest-pipeline";
import type { AppConfig } from "../config";

export type TrustSettings = Pick<AppConfig, "mode" | "localCaPath">;

/** Local mode without a CA to trust: the SDK clients would fail every TLS handshake. */
export class LocalTrustError extends Error {
  override readonly name = "LocalTrustError";
}

const agents = new Map<string, Agent>();

/**
 * The HTTPS agent that trusts the local CA, for the SDK clients built here and nothing else.
 * `ca` replaces Node's default trust store for this agent only, so a local client cannot reach a
 * public endpoint by mistake either. Undefined in Azure mode: the default agent and public CAs.
 * One agent per CA file, so connections are pooled across clients.
 */
export function trustedAgent(settings: TrustSettings): Agent | undefined {
  if (settings.mode !== "local") return undefined;
  const caPath = settings.localCaPath;
  if (!caPath) throw new LocalTrustError("AKSOPS_MODE=local needs AKSOPS_LOCAL_CA_PATH: the CA of the local HTTPS endpoints");
  let agent = agents.get(caPath);
  if (!agent) {
    agent = new Agent({ ca: readFileSync(caPath, "utf8"), keepAlive: true });
    agents.set(caPath, agent);
  }
  return agent;
}

/**
 * Pipeline policies for an Azure SDK client (core-client and @azure-rest/core-client both accept
 * `additionalPolicies`). `agentPolicy` sets `request.agent`, which the Node HTTP client uses
 * instead of its own agent (core-rest-pipeline 1.24, nodeHttpClient: `request.agent ?? getOrCreateAgent`).
 */
export function trustPolicies(settings: TrustSettings): { policy: PipelinePolicy; position: "perCall" }[] {
  const agent = trustedAgent(settings);
  return agent ? [{ policy: agentPolicy(agent), position: "perCall" }] : [];
}
