import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ConsumptionManagementClient } from "@azure/arm-consumption";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { EventGridManagementClient } from "@azure/arm-eventgrid";
import { MonitorClient } from "@azure/arm-monitor";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { AppConfig } from "../config";
import { ManagementGroupsAPI } from "@azure/arm-managementgroups";
import { createCredential } from "./credential";
import { trustPolicies } from "./local-trust";

export type ArmSettings = Pick<AppConfig, "mode" | "subscriptionId" | "armEndpoint" | "localCaPath" | "managedIdentityClientId">;

/** The ARM clients the platform uses. Each is built on first use and then reused. */
export interface ArmClients {
  readonly containerService: ContainerServiceClient;
  readonly monitor: MonitorClient;
  readonly consumption: ConsumptionManagementClient;
  readonly eventGrid: EventGridManagementClient;
  readonly resources: ResourceManagementClient;
  readonly network: NetworkManagementClient;
  readonly authorization: AuthorizationManagementClient;
}

/** The token audience for an ARM endpoint: `${ARM_ENDPOINT}/.default` (sovereign clouds and the simulator alike). */
export function armScope(armEndpoint: string): string {
  return `${armEndpoint.replace(/\/+$/, "")}/.default`;
}

/** One credential (one token cache) for every subscription's clients: ARM tokens are per tenant, not per subscription. */
const credentials = new WeakMap<ArmSettings, ReturnType<typeof createCredential>>();
function credentialOf(settings: ArmSettings): ReturnType<typeof createCredential> {
  let credential = credentials.get(settings);
  if (!credential) credentials.set(settings, (credential = createCredential(settings)));
  return credential;
}

/** Per settings object, per subscription (lower case): one client set each, built once. */
const cache = new WeakMap<ArmSettings, Map<string, ArmClients>>();
const noRetryCache = new WeakMap<ArmSettings, Map<string, ArmClients>>();

export interface ArmClientOptions {
  /**
   * `false`: the SDK does not retry (no sleeping in an activity); a 429 or 5xx goes back to the
   * orchestration, whose activity proxy waits it out on a durable timer. Default `true`.
   */
  sdkRetries?: boolean;
}

/**
 * The one place ARM clients are built. Two generations of generated clients are installed:
 * container service, monitor and resources are TypeSpec clients on @azure-rest/core-client
 * (`endpoint`, `credentials.scopes`); consumption, event grid and network are AutoRest clients on
 * @azure/core-client, whose URL templates use `$host` and whose token scope is `credentialScopes`.
 * Both take `additionalPolicies`, which is how local mode trusts the local CA for these clients only.
 */
export function createArmClients(settings: ArmSettings, options: ArmClientOptions = {}): ArmClients {
  return armFor(settings, settings.subscriptionId, options);
}

/**
 * The client set of one subscription (issue 31): every read or write of a cluster goes through the
 * set of the cluster's own subscription (parsed from its resource id). Cached per settings object
 * and subscription, compared case-insensitively as ARM compares subscription ids.
 */
export function armFor(settings: ArmSettings, subscription: string, options: ArmClientOptions = {}): ArmClients {
  const store = options.sdkRetries === false ? noRetryCache : cache;
  let perSubscription = store.get(settings);
  if (!perSubscription) store.set(settings, (perSubscription = new Map<string, ArmClients>()));
  const key = subscription.toLowerCase();
  const cached = perSubscription.get(key);
  if (cached) return cached;

  const credential = credentialOf(settings);
  const endpoint = settings.armEndpoint.replace(/\/+$/, "");
  const scope = armScope(endpoint);
  const additionalPolicies = trustPolicies(settings);
  const retryOptions = options.sdkRetries === false ? { retryOptions: { maxRetries: 0 } } : {};
  const typeSpecOptions = { endpoint, credentials: { scopes: [scope] }, additionalPolicies, ...retryOptions };
  const autoRestOptions = { endpoint, $host: endpoint, credentialScopes: [scope], additionalPolicies, ...retryOptions };
  const subscriptionId = key;

  const made: Partial<{ -readonly [K in keyof ArmClients]: ArmClients[K] }> = {};
  const lazy = <K extends keyof ArmClients>(key: K, build: () => ArmClients[K]) => ({
    enumerable: true,
    get: (): ArmClients[K] => (made[key] ??= build())
  });
  const clients = Object.defineProperties({} as ArmClients, {
    containerService: lazy("containerService", () => new ContainerServiceClient(credential, subscriptionId, typeSpecOptions)),
    monitor: lazy("monitor", () => new MonitorClient(credential, subscriptionId, typeSpecOptions)),
    resources: lazy("resources", () => new ResourceManagementClient(credential, subscriptionId, typeSpecOptions)),
    consumption: lazy("consumption", () => new ConsumptionManagementClient(credential, subscriptionId, autoRestOptions)),
    eventGrid: lazy("eventGrid", () => new EventGridManagementClient(credential, subscriptionId, autoRestOptions)),
    network: lazy("network", () => new NetworkManagementClient(credential, subscriptionId, autoRestOptions)),
    authorization: lazy("authorization", () => new AuthorizationManagementClient(credential, subscriptionId, autoRestOptions))
  });
  perSubscription.set(key, clients);
  return clients;
}

/**
 * The management groups client (tenant scope: no subscription), built here with the others. An
 * AutoRest client on @azure/core-client like event grid's: `endpoint` and `credentialScopes`.
 */
export function createManagementGroupsClient(settings: ArmSettings): ManagementGroupsAPI {
  const endpoint = settings.armEndpoint.replace(/\/+$/, "");
  return new ManagementGroupsAPI(credentialOf(settings), {
    endpoint, $host: endpoint, credentialScopes: [armScope(endpoint)], additionalPolicies: trustPolicies(settings)
  });
}
