/**
 * The Durable Functions extension of the local host: orchestrations, activities, durable timers,
 * external events and sub-orchestrations on a SQLite-backed engine, plus the durable HTTP API and
 * the `durableClient` input binding. The host imports this module lazily and talks to it only
 * through `HostExtension` (../extension.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ExtensionContext, HostExtension, RegisteredBinding, RpcTypedData } from "../extension";
import type { ChaosOptions } from "./chaos";
import { durableClientData } from "./clientBinding";
import { DurableEngine } from "./engine";
import { DurableManagement } from "./management";
import { handleDurableWebhook } from "./webhook";

export type { ChaosOptions } from "./chaos";
export { DurableManagement } from "./management";
export * from "./errors";

export interface DurableExtensionOptions {
  /** Activities running at once (the extension's `maxConcurrentActivityFunctions`); default 10. */
  activityConcurrency?: number;
  chaos?: ChaosOptions;
  /** Instances whose history stays cached in memory; default 1,000. */
  cacheSize?: number;
  /** Task hub name reported to clients; default from the `durableTask.hubName` setting, else "TestHubName". */
  taskHubName?: string;
}

export interface DurableExtension extends HostExtension {
  /** Client operations, for tests and tools (the HTTP API calls the same). Available after `start`. */
  readonly management: DurableManagement;
  /** Pending durable timers, e.g. to check that a losing timer was cancelled. */
  pendingTimers(instanceId?: string): { instanceId: string; timerId: number; fireAt: string }[];
  /** Episodes run, activities completed and SQLite checkpoints written since start. */
  stats(): { episodes: number; activities: number; checkpoints: number; peakConcurrentActivities: number };
}

export function createDurableExtension(options: DurableExtensionOptions = {}): DurableExtension {
  let ctx: ExtensionContext | undefined;
  let engine: DurableEngine | undefined;
  let management: DurableManagement | undefined;
  let unregisterProbe: (() => void) | undefined;
  const required = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("The durable extension has not been started.");
    return value;
  };

  return {
    name: "durable",
    triggerTypes: ["orchestrationTrigger", "activityTrigger", "entityTrigger"],
    get management() { return required(management); },

    async start(context: ExtensionContext): Promise<void> {
      ctx = context;
      engine = new DurableEngine(context, {
        activityConcurrency: Math.max(1, options.activityConcurrency ?? 10),
        chaos: options.chaos ?? {},
        cacheSize: Math.max(1, options.cacheSize ?? 1000),
      });
      management = new DurableManagement(engine, options.chaos ?? {});
      const e = engine;
      unregisterProbe = context.clock.registerIdleProbe(() => e.waitForIdle());
      engine.recover();
    },

    inputBinding(binding: RegisteredBinding): RpcTypedData | undefined {
      if (binding.type !== "durableClient" && binding.type !== "orchestrationClient") return undefined;
      const c = required(ctx);
      const hub = options.taskHubName ?? c.settings["AzureFunctionsJobHost__extensions__durableTask__hubName"] ?? "TestHubName";
      return { string: JSON.stringify(durableClientData(c.baseUrl(), typeof binding.taskHub === "string" && binding.taskHub ? binding.taskHub : hub)) };
    },

    handleWebhook(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      if (!management) return Promise.resolve(false);
      return handleDurableWebhook(management, req, res, url);
    },

    pendingTimers(instanceId?: string) {
      return required(engine).pendingTimers(instanceId);
    },

    stats() {
      return { ...required(engine).stats };
    },

    waitForIdle(): Promise<void> {
      return engine ? engine.waitForIdle() : Promise.resolve();
    },

    async stop(): Promise<void> {
      unregisterProbe?.();
      if (engine) await engine.stop();
      engine = undefined;
      management = undefined;
    },
  };
}
