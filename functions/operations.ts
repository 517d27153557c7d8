import { app, type HttpRequest, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createGetOperationHandler, createListOperationsHandler } from "./handlers/operations";
import { createCancelOperationHandler } from "./handlers/cancelOperation";
import { platform } from "./runtime/platform";

const p = platform();

app.http("listOperations", { route: "operations", methods: ["GET"], authLevel: "anonymous", handler: createListOperationsHandler(p) });
app.http("getOperation", { route: "operations/{id}", methods: ["GET"], authLevel: "anonymous", handler: createGetOperationHandler(p) });
/** Stops a queued, waiting or running operation (functions/handlers/cancelOperation.ts). */
app.http("cancelOperation", {
  route: "operations/{id}/cancel", methods: ["POST"], authLevel: "anonymous", extraInputs: [df.input.durableClient()],
  handler: (request: HttpRequest, context: InvocationContext) => createCancelOperationHandler(p, () => df.getClient(context))(request)
});
