import { app } from "@azure/functions";
import { createGetOperationHandler, createListOperationsHandler } from "./handlers/operations";
import { platform } from "./runtime/platform";

const p = platform();

app.http("listOperations", { route: "operations", methods: ["GET"], authLevel: "anonymous", handler: createListOperationsHandler(p) });
app.http("getOperation", { route: "operations/{id}", methods: ["GET"], authLevel: "anonymous", handler: createGetOperationHandler(p) });
