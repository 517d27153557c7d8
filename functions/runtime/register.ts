/**
 * Registering activities against the activity catalogue (orchestrations/activities.ts): a handler
 * must take the input and answer the result the catalogue states for its name, the same types
 * `call` gives the orchestrators. Every activity is registered `guarded` (its failure answered as a
 * classified outcome, engine/call.ts). The names come from the handler maps' keys: no list of names
 * is kept beside them.
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { guarded } from "../../orchestrations/engine/call";
import type { ActivityHandler, ActivityInput, ActivityName, ActivityOutput } from "../../orchestrations/activities";

/** A map of handlers, each typed by the catalogue for its name. */
export type ActivityHandlers<K extends ActivityName> = { [N in K]: ActivityHandler<N> };

/** Registers one activity. Its input crosses the durable boundary as JSON, sent by a `call` typed by the same catalogue. */
export function registerActivity<K extends ActivityName>(name: K, handler: ActivityHandler<K>): void {
  df.app.activity(name, { handler: guarded((input: unknown) => handler(input as ActivityInput<K>)) });
}

/** Registers every handler of the map under its key. */
export function registerActivities<K extends ActivityName>(handlers: ActivityHandlers<K>): void {
  for (const name of Object.keys(handlers) as K[]) registerActivity(name, handlers[name]);
}

/**
 * Registers an activity that is also a durable client function (it starts or reads instances: any
 * function may be a client function, activities included:
 * https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-types-features-overview#client-functions).
 */
export function registerClientActivity<K extends ActivityName>(
  name: K, handler: (client: DurableClient, input: ActivityInput<K>) => Promise<ActivityOutput<K>>
): void {
  df.app.activity(name, {
    extraInputs: [df.input.durableClient()],
    handler: (input: unknown, context: InvocationContext) => guarded((i: ActivityInput<K>) => handler(df.getClient(context), i))(input as ActivityInput<K>)
  });
}
