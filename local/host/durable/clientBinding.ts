/**
 * The `durableClient` input binding's data, shaped like the extension's `OrchestrationClientInputData`
 * (HttpApiHandler.GetClientResponseLinks): the SDK's DurableClient sends every call to `rpcBaseUrl`
 * and builds `createCheckStatusResponse` links from `managementUrls` (with the `INSTANCEID` placeholder).
 */
export const WEBHOOK_PREFIX = "/runtime/webhooks/durabletask";
export const INSTANCE_ID_PLACEHOLDER = "INSTANCEID";

export interface DurableClientData {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
  httpBaseUrl: string;
  maxGrpcMessageSizeInBytes: number;
  grpcHttpClientTimeout: string;
}

/** The prefix of the extension's local RPC endpoint (Azure: `http://127.0.0.1:17071/durabletask/`). */
export const RPC_PREFIX = "/durabletask";

/**
 * As in Azure, the public webhook URLs carry the `durabletask_extension` system key (`code=`), and
 * the SDK's own calls go to the loopback-only RPC endpoint, which needs none.
 */
export function durableClientData(hostBaseUrl: string, taskHubName: string, systemKey: string, rpcBaseUrl: string): DurableClientData {
  const base = `${hostBaseUrl.replace(/\/$/, "")}${WEBHOOK_PREFIX}`;
  const query = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;
  const instance = `${base}/instances/${INSTANCE_ID_PLACEHOLDER}`;
  return {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: managementUrls(instance, query),
    baseUrl: base,
    requiredQueryStringParameters: query,
    rpcBaseUrl,
    httpBaseUrl: base,
    maxGrpcMessageSizeInBytes: 0,
    grpcHttpClientTimeout: "00:01:40",
  };
}

export function managementUrls(instanceBase: string, query: string, id = INSTANCE_ID_PLACEHOLDER): Record<string, string> {
  const withId = instanceBase.replace(INSTANCE_ID_PLACEHOLDER, encodeURIComponent(id));
  return {
    id,
    statusQueryGetUri: `${withId}?${query}`,
    sendEventPostUri: `${withId}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${withId}/terminate?reason={text}&${query}`,
    rewindPostUri: `${withId}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${withId}?${query}`,
    restartPostUri: `${withId}/restart?${query}`,
    suspendPostUri: `${withId}/suspend?reason={text}&${query}`,
    resumePostUri: `${withId}/resume?reason={text}&${query}`,
  };
}
