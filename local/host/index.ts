/**
 * The local Azure Functions host, programmatic API:
 *
 *   const host = await startHost({ appDir, clock, settings, port: 0, dataDir });
 *   await fetch(`${host.baseUrl}/api/health`);
 *   await host.waitForIdle();
 *   await host.stop();
 */
import path from "node:path";
import type { Clock } from "../clock";
import type { HostExtension, InvocationInput, InvocationResult, RegisteredFunction } from "./extension";
import { LocalHost } from "./host";
import { readHostJson } from "./host-json";
import type { HttpRoute } from "./http/http-routes";
import type { HostKeys } from "./http/keys";
import { consoleLogger, redactingLogger, type HostLogger } from "./logger";

export type { ExtensionContext, HostExtension, InvocationInput, InvocationResult, RegisteredBinding, RegisteredFunction, RpcTypedData } from "./extension";
export { decodeTypedData, encodeTypedData } from "./typed-data";
export { consoleLogger, MemoryLogger, redactEntry, redactingLogger, type HostLogger, type LogEntry, type LogLevel } from "./logger";
export { redactError, redactSecrets, REDACTED } from "./redact";
export { loadApp, AppLoadError, type LoadedApp } from "./app-loader";
export { FunctionInvocationError, FunctionNotFoundError } from "./invoker";
export { HOST_KEY_SETTING, MASTER_KEY_SETTING, SYSTEM_KEY_SETTINGS, type HostKeys } from "./http/keys";

export interface StartHostOptions {
  appDir: string;
  clock: Clock;
  /** App settings: visible to the app as `process.env` while the host runs. */
  settings?: Record<string, string>;
  /** 0 picks a free port. */
  port?: number;
  hostname?: string;
  dataDir: string;
  /** Defaults to the Durable Functions extension when `local/host/durable` provides one. */
  extensions?: HostExtension[];
  logger?: HostLogger;
}

export interface LocalHostHandle {
  readonly baseUrl: string;
  readonly routePrefix: string;
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  readonly httpRoutes: readonly HttpRoute[];
  readonly keys: HostKeys;
  readonly extensions: readonly HostExtension[];
  invoke(functionName: string, input: InvocationInput): Promise<InvocationResult>;
  /** Resolves when no HTTP request, timer or Event Grid invocation is in flight and every extension is idle. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHost(options: StartHostOptions): Promise<LocalHostHandle> {
  const host = new LocalHost({
    appDir: path.resolve(options.appDir),
    clock: options.clock,
    settings: { ...(options.settings ?? {}) },
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    dataDir: path.resolve(options.dataDir),
    extensions: options.extensions ?? defaultExtensions(options.appDir),
    logger: redactingLogger(options.logger ?? consoleLogger(() => options.clock.now()))
  });
  await host.start();
  return host;
}

/**
 * The Durable Functions extension, when `./durable/index` exists and exports
 * `createDurableExtension(options?)`; loaded lazily so the host works without it. As in Azure, the
 * app's host.json `extensions.durableTask` gives the task hub name and the activity concurrency.
 */
export function defaultExtensions(appDir: string): HostExtension[] {
  let durable: { createDurableExtension?: (options?: unknown) => HostExtension };
  const modulePath = path.join(__dirname, "durable", "index");
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    durable = require(modulePath) as typeof durable;
  } catch (err) {
    if (isModuleNotFound(err, modulePath)) return [];
    throw err;
  }
  if (typeof durable.createDurableExtension !== "function") return [];
  const durableTask = ((readHostJson(path.resolve(appDir)).raw.extensions ?? {}) as { durableTask?: { hubName?: unknown; maxConcurrentActivityFunctions?: unknown } }).durableTask ?? {};
  const options: { taskHubName?: string; activityConcurrency?: number } = {};
  if (typeof durableTask.hubName === "string") options.taskHubName = durableTask.hubName;
  if (typeof durableTask.maxConcurrentActivityFunctions === "number") options.activityConcurrency = durableTask.maxConcurrentActivityFunctions;
  return [durable.createDurableExtension(options)];
}

function isModuleNotFound(err: unknown, hint: string): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "MODULE_NOT_FOUND"
    && "message" in err && typeof err.message === "string" && err.message.includes(hint);
}
