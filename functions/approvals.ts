import { app, type HttpRequest, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createApprovalDecisionHandler, createApprovalPageHandler } from "./handlers/approvals";
import { platform } from "./runtime/platform";

/*
 * The approval links. Anonymous at the Functions level because the signed token is the
 * authorisation to decide this one step; in Azure, App Service authentication adds who decided
 * (`x-ms-client-principal`).
 */
const p = platform();
const durableClient = df.input.durableClient();
const clientFor = (context: InvocationContext) => (_request: HttpRequest) => df.getClient(context);

app.http("approvalPage", {
  route: "approvals/{token}", methods: ["GET"], authLevel: "anonymous", extraInputs: [durableClient],
  handler: (request, context) => createApprovalPageHandler(p, clientFor(context))(request)
});
app.http("approvalDecision", {
  route: "approvals/{token}", methods: ["POST"], authLevel: "anonymous", extraInputs: [durableClient],
  handler: (request, context) => createApprovalDecisionHandler(p, clientFor(context))(request)
});
