import { app } from "@azure/functions";
import { createDashboardHandler } from "./handlers/dashboard";
import { platform } from "./runtime/platform";

/* The operator dashboard (static assets and its two data routes); in Azure behind App Service authentication like the API. */
const p = platform();
const handler = createDashboardHandler(p);

app.http("dashboard", { route: "dashboard", methods: ["GET"], authLevel: "anonymous", handler });
app.http("dashboardAsset", { route: "dashboard/{*path}", methods: ["GET"], authLevel: "anonymous", handler });
