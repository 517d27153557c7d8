/**
 * The durable-functions SDK's own testing entry (lib/src/util/testingUtils.js, what its tests and
 * `df.app.orchestration` use to wrap an orchestrator): not in the package's typings, declared here.
 */
declare module "durable-functions/lib/src/util/testingUtils" {
  import type { InvocationContext } from "@azure/functions";
  import type { OrchestrationContext, Task } from "durable-functions";
  export function createOrchestrator(fn: (context: OrchestrationContext) => Generator<Task, unknown, unknown>): (trigger: unknown, context: InvocationContext) => Promise<unknown>;
}
