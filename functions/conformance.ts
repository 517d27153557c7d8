import { app } from "@azure/functions";
import { createClusterConformanceHandler } from "./handlers/conformance";
import { createClusterReadinessHandler } from "./handlers/readiness";
import { platform } from "./runtime/platform";

/** The baseline conformance report (`anonymous` at the Functions level, as the cluster API: App Service authentication sits in front in Azure). */
app.http("getClusterConformance", { route: "clusters/{id}/conformance", methods: ["GET"], authLevel: "anonymous", handler: createClusterConformanceHandler(platform()) });
/** Upgrade readiness (issue 30): live checks of whether an upgrade to a target can work now. */
app.http("getClusterReadiness", { route: "clusters/{id}/readiness", methods: ["GET"], authLevel: "anonymous", handler: createClusterReadinessHandler(platform()) });
