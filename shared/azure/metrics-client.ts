import { MetricsClient } from "@azure/monitor-query-metrics";
import type { AppConfig } from "../config";
import { createCredential } from "./credential";
import { trustPolicies } from "./local-trust";

export type MetricsSettings = Pick<AppConfig, "mode" | "monitorMetricsEndpoint" | "localCaPath" | "managedIdentityClientId">;

/** The query the platform makes of the metrics data plane (`MetricsClient.queryResources`). */
export type MetricsQueryPort = Pick<MetricsClient, "queryResources">;

/** The regional endpoint for a location (`{region}` filled in, lower case as Azure spells regions). */
export function metricsEndpointFor(template: string, region: string): string {
  return template.replaceAll("{region}", region.trim().toLowerCase().replace(/\s+/g, ""));
}

/**
 * The token audience of the metrics data plane: its host without the `{region}.` label
 * (`https://metrics.monitor.azure.com/.default` for the public cloud; the spec's OAuth2 scope).
 */
export function metricsScope(template: string): string {
  const url = new URL(template.replaceAll("{region}.", "").replaceAll("{region}", "global"));
  return `${url.origin}/.default`;
}

const cache = new WeakMap<MetricsSettings, Map<string, MetricsClient>>();

/**
 * Azure Monitor's metrics data plane (`POST {region endpoint}/subscriptions/{id}/metrics:getBatch`),
 * one client per region. Its requests do not go through ARM, so they spend none of the
 * subscription's ARM read bucket. The SDK does not retry (`maxRetries: 0`): callers are activities,
 * and a 429 or 5xx goes back to the orchestration, whose activity proxy waits on a durable timer.
 */
export function createMetricsClient(settings: MetricsSettings, region: string): MetricsClient {
  let byRegion = cache.get(settings);
  if (!byRegion) {
    byRegion = new Map();
    cache.set(settings, byRegion);
  }
  const endpoint = metricsEndpointFor(settings.monitorMetricsEndpoint, region);
  let client = byRegion.get(endpoint);
  if (!client) {
    client = new MetricsClient(endpoint, createCredential(settings), {
      credentials: { scopes: [metricsScope(settings.monitorMetricsEndpoint)] },
      additionalPolicies: trustPolicies(settings),
      retryOptions: { maxRetries: 0 }
    });
    byRegion.set(endpoint, client);
  }
  return client;
}
