/**
 * The Durable Functions extension of the local host: orchestrations, activities, durable timers,
 * external events and sub-orchestrations on a SQLite-backed engine, plus the durable HTTP API and
 * the `durableClient` input binding. The host imports this module lazily and talks to it only
 * through `HostExtension` (../extension.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ExtensionContext, HostExtension, RegisteredBinding, RpcTypedData } from "../extension";
import type { ChaosOptions } from "./chaos";
import { durableClientData, RPC_PREFIX } from "./clientBinding";
import { flattenActions } from "./actions";
import { DurableEngine } from "./engine";
import { orchestratorPayload } from "./episode";
import { invokeOrchestrator } from "./invoker";
import { checkReplayAgainstHistory, type RecordedInstance } from "./replay";
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
  /** Instances whose id starts with `prefix`, with their whole stored history (golden-history recording). */
  recordedInstances(prefix: string): RecordedInstance[];
  /**
   * Hands a recorded history to orchestrator `functionName` as the runtime would on the next
   * episode and checks what it schedules against the history (throws NonDeterminismError).
   */
  replay(functionName: string, recorded: RecordedInstance): Promise<{ isDone: boolean; error?: string }>;
  /** Episodes run, activities completed and SQLite checkpoints written since start. */
  stats(): { episodes: number; activities: number; checkpoints: number; peakConcurrentActivities: number };
}

export function createDurableExtension(options: DurableExtensionOptions = {}): DurableExtension {
  let ctx: ExtensionContext | undefined;
  let engine: DurableEngine | undefined;
  let management: DurableManagement | undefined;
  let unregisterProbe: (() => void) | undefined;
  let rpc: { server: http.Server; baseUrl: string } | undefined;
  const linkBase = () => ({ publicBaseUrl: required(ctx).baseUrl(), systemKey: required(ctx).systemKey("durabletask_extension") });
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
      // The extension's local RPC endpoint, loopback only and keyless as in Azure: the SDK's
      // DurableClient calls it (rpcBaseUrl); the public webhook API needs the system key.
      const m = management;
      const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        void handleDurableWebhook(m, req, res, url, linkBase(), RPC_PREFIX).then((handled) => { if (!handled) res.writeHead(404).end(); })
          .catch((err: unknown) => { context.log("error", `Durable RPC ${req.method ?? ""} ${url.pathname} failed: ${String(err)}`); if (!res.headersSent) res.writeHead(500); res.end(); });
      });
      await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(0, "127.0.0.1", () => resolve()); });
      rpc = { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${RPC_PREFIX}/` };
    },

    inputBinding(binding: RegisteredBinding): RpcTypedData | undefined {
      if (binding.type !== "durableClient" && binding.type !== "orchestrationClient") return undefined;
      const c = required(ctx);
      const hub = options.taskHubName ?? c.settings["AzureFunctionsJobHost__extensions__durableTask__hubName"] ?? "TestHubName";
      const taskHub = typeof binding.taskHub === "string" && binding.taskHub ? binding.taskHub : hub;
      return { string: JSON.stringify(durableClientData(c.baseUrl(), taskHub, c.systemKey("durabletask_extension"), required(rpc).baseUrl)) };
    },

    handleWebhook(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      if (!management) return Promise.resolve(false);
      return handleDurableWebhook(management, req, res, url, linkBase());
    },

    pendingTimers(instanceId?: string) {
      return required(engine).pendingTimers(instanceId);
    },

    stats() {
      return { ...required(engine).stats };
    },

    recordedInstances(prefix: string): RecordedInstance[] {
      const store = required(engine).store;
      return store.queryInstances({ instanceIdPrefix: prefix }).map((r) => ({
        name: r.name,
        instanceId: r.instanceId,
        input: r.input === null || r.input === "" ? null : JSON.parse(r.input) as unknown,
        ...(r.parentInstanceId ? { parentInstanceId: r.parentInstanceId } : {}),
        history: store.loadHistory(r.instanceId)
      }));
    },

    async replay(functionName: string, recorded: RecordedInstance): Promise<{ isDone: boolean; error?: string }> {
      const history = recorded.history.map((e) => ({ ...e, IsPlayed: true }));
      const record = { instanceId: recorded.instanceId, input: recorded.input === null || recorded.input === undefined ? null : JSON.stringify(recorded.input), parentInstanceId: recorded.parentInstanceId ?? null };
      const outcome = await invokeOrchestrator(required(ctx), functionName, recorded.instanceId, orchestratorPayload(record, history, true));
      if ("error" in outcome && !outcome.state) throw new Error(`Replaying ${recorded.instanceId} on ${functionName}: ${outcome.error}`);
      const state = outcome.state ?? { isDone: false, actions: [] };
      checkReplayAgainstHistory(recorded.instanceId, history, flattenActions(state.actions));
      return { isDone: state.isDone, ...("error" in outcome ? { error: outcome.error } : {}) };
    },

    waitForIdle(): Promise<void> {
      return engine ? engine.waitForIdle() : Promise.resolve();
    },

    async stop(): Promise<void> {
      unregisterProbe?.();
      if (rpc) {
        const server = rpc.server;
        rpc = undefined;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      if (engine) await engine.stop();
      engine = undefined;
      management = undefined;
    },
  };
}
export type { RecordedInstance } from "./replay";
