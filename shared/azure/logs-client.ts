import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { AppConfig } from "../config";
import { createCredential } from "./credential";
import { trustPolicies } from "./local-trust";

export type LogsSettings = Pick<AppConfig, "mode" | "monitorLogsEndpoint" | "localCaPath" | "managedIdentityClientId">;

const cache = new WeakMap<LogsSettings, LogsQueryClient>();

/**
 * Log Analytics queries (KQL over the clusters' diagnostic logs). The client appends its API
 * version only when it picks the endpoint itself, so an explicit endpoint must include `/v1`
 * (@azure/monitor-query-logs 1.0, monitorQueryLogsContext). The simulator does not serve this
 * API; the factory exists so that nothing else builds the client.
 */
export function createLogsQueryClient(settings: LogsSettings): LogsQueryClient {
  const cached = cache.get(settings);
  if (cached) return cached;
  const base = settings.monitorLogsEndpoint.replace(/\/+$/, "");
  const client = new LogsQueryClient(createCredential(settings), {
    endpoint: `${base}/v1`,
    credentials: { scopes: [`${base}/.default`] },
    additionalPolicies: trustPolicies(settings)
  });
  cache.set(settings, client);
  return client;
}
