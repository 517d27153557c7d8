import { app, type HttpRequest, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createAdoptClusterHandler, createGetClusterHandler, createListClustersHandler } from "./handlers/clusters";
import { createStartUpgradeHandler } from "./handlers/upgrades";
import { createProvisionClusterHandler } from "./handlers/provisioning";
import { platform } from "./runtime/platform";

/*
 * The cluster API. `anonymous` at the Functions level: in Azure the app sits behind App Service
 * authentication (Entra ID), which rejects unauthenticated callers before the function runs.
 */
const p = platform();
const durableClient = df.input.durableClient();
const clientFor = (context: InvocationContext) => (_request: HttpRequest) => df.getClient(context);

app.http("adoptCluster", {
  route: "clusters/adopt", methods: ["POST"], authLevel: "anonymous", extraInputs: [durableClient],
  handler: (request, context) => createAdoptClusterHandler(p, clientFor(context))(request)
});
// `POST /api/clusters`: a body with `network` provisions a baseline cluster; one with `resourceId` adopts an existing one (as /clusters/adopt).
app.http("provisionCluster", {
  route: "clusters", methods: ["POST"], authLevel: "anonymous", extraInputs: [durableClient],
  handler: async (request, context) => {
    const text = await request.clone().text();
    let adopt = false;
    try { adopt = typeof (JSON.parse(text) as { resourceId?: unknown }).resourceId === "string"; } catch { /* provisioning's validation names it */ }
    return adopt ? createAdoptClusterHandler(p, clientFor(context))(request) : createProvisionClusterHandler(p, clientFor(context))(request);
  }
});
app.http("listClusters", { route: "clusters", methods: ["GET"], authLevel: "anonymous", handler: createListClustersHandler(p) });
app.http("getCluster", { route: "clusters/{id}", methods: ["GET"], authLevel: "anonymous", handler: createGetClusterHandler(p) });
app.http("startClusterUpgrade", {
  route: "clusters/{id}/upgrades", methods: ["POST"], authLevel: "anonymous", extraInputs: [durableClient],
  handler: (request, context) => createStartUpgradeHandler(p, clientFor(context))(request)
});
