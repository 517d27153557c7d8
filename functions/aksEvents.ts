import { app } from "@azure/functions";
import * as df from "durable-functions";
import { createAksEventsHandler } from "./handlers/aksEvents";
import { platform } from "./runtime/platform";

/** Event Grid deliveries from the clusters' system topics (`/runtime/webhooks/eventgrid?functionName=aksEvents`). */
const p = platform();

app.eventGrid("aksEvents", {
  extraInputs: [df.input.durableClient()],
  handler: createAksEventsHandler(p, (context) => df.getClient(context))
});
