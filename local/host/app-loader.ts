/**
 * Loads a v4 Node function app folder the way the worker does (src/startApp.ts): resolve package.json
 * `main`, require every entry point with `@azure/functions-core` served by this host, then run the
 * `appStart` hooks. The app is loaded through Node's own module system (not jest's), from the app
 * folder, so it uses its own `@azure/functions` and `durable-functions`.
 */
import path from "node:path";
import type { RegisteredBinding, RegisteredFunction } from "./extension";
import * as functionsCore from "./functions-core";
import { FunctionRegistry, type CoreRegistration, type RpcLogCategory, type RpcLogLevel } from "./functions-core";
import { serveFunctionsCore } from "./core-module-hook";
import { resolveEntryPoints } from "./entry-points";
import { realModule, realRequire } from "./node-runtime";
import { runAppHooks } from "./hooks";

export class AppLoadError extends Error {
  override readonly name = "AppLoadError";
  constructor(message: string, readonly appDir: string, readonly entryPoint?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface LoadedApp {
  appDir: string;
  entryPoints: string[];
  registry: FunctionRegistry;
  functions: Map<string, RegisteredFunction>;
}

export interface LoadAppOptions {
  log?: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;
}

/**
 * Files each load brought into Node's require cache (app files, and the app's `@azure/functions` and
 * `durable-functions`), kept on a process-wide slot: the next load removes them so that it re-runs
 * the registrations against a fresh library that sees the new host's core module.
 */
const LOADED_SLOT = Symbol.for("aksops.localHost.loadedModules");
type CacheOwner = ReturnType<typeof realModule> & { [LOADED_SLOT]?: Set<string> };

function moduleCache(): CacheOwner {
  return realModule();
}

export async function loadApp(appDir: string, options: LoadAppOptions = {}): Promise<LoadedApp> {
  const dir = path.resolve(appDir);
  const entryPoints = resolveEntryPoints(dir);
  const registry = new FunctionRegistry(options.log);
  const owner = moduleCache();
  const previouslyLoaded = owner[LOADED_SLOT] ?? new Set<string>();
  for (const key of previouslyLoaded) delete owner._cache[key];
  const before = new Set(Object.keys(owner._cache));

  serveFunctionsCore(functionsCore);
  functionsCore.beginAppLoad(registry);
  const appRequire = realRequire(path.join(dir, "package.json"));
  try {
    for (const entryPoint of entryPoints) {
      try {
        appRequire(entryPoint);
      } catch (err) {
        throw new AppLoadError(`Worker was unable to load entry point "${path.relative(dir, entryPoint)}": ${errorMessage(err)}`, dir, entryPoint, { cause: err });
      }
    }
  } finally {
    functionsCore.endAppLoad(registry);
    owner[LOADED_SLOT] = new Set(Object.keys(owner._cache).filter((k) => !before.has(k)));
  }
  if (!registry.programmingModel) {
    throw new AppLoadError("The app registered no programming model: does it use @azure/functions v4?", dir);
  }
  await runAppHooks(registry, "appStart", { functionAppDirectory: dir });
  await checkCapabilities(registry, dir);

  const functions = new Map<string, RegisteredFunction>();
  for (const [id, registration] of registry.functions) {
    functions.set(registration.metadata.name, toRegisteredFunction(id, registration, dir));
  }
  return { appDir: dir, entryPoints, registry, functions };
}

/** The capabilities the Node worker declares to the host (src/eventHandlers/getWorkerCapabilities.ts). */
export const WORKER_CAPABILITIES: Readonly<Record<string, string>> = {
  RawHttpBodyBytes: "true",
  RpcHttpTriggerMetadataRemoved: "true",
  RpcHttpBodyOnly: "true",
  IgnoreEmptyValuedRpcHttpHeaders: "true",
  UseNullableValueDictionaryForHttp: "true",
  WorkerStatus: "true",
  TypedDataCollection: "true",
  HandlesWorkerTerminateMessage: "true"
};

/**
 * The worker asks the programming model for its capabilities after loading the app (which also
 * locks `app.setup`). An app that enabled HTTP streaming would wait for the host's HTTP proxy,
 * which the local host does not provide: refuse it instead of hanging on the first request.
 */
async function checkCapabilities(registry: FunctionRegistry, appDir: string): Promise<void> {
  const capabilities = await registry.programmingModel?.getCapabilities?.({ ...WORKER_CAPABILITIES });
  if (capabilities?.HttpUri) {
    throw new AppLoadError("The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support.", appDir);
  }
}

function toRegisteredFunction(id: string, registration: CoreRegistration, appDir: string): RegisteredFunction {
  const bindings: Record<string, RegisteredBinding> = {};
  let triggerName: string | undefined;
  for (const [name, binding] of Object.entries(registration.metadata.bindings)) {
    bindings[name] = { ...binding, type: String(binding.type), direction: binding.direction ?? "in" };
    if (typeof binding.type === "string" && binding.type.toLowerCase().endsWith("trigger")) triggerName = name;
  }
  const trigger = triggerName === undefined ? undefined : bindings[triggerName];
  if (triggerName === undefined || !trigger) {
    throw new AppLoadError(`Function "${registration.metadata.name}" (id ${id}) has no trigger binding.`, appDir);
  }
  return {
    name: registration.metadata.name,
    bindings,
    triggerName,
    trigger,
    retryOptions: registration.metadata.retryOptions,
    handler: registration.callback
  };
}

export function errorMessage(err: unknown): string {
  if (err && typeof err === "object" && "message" in err && typeof err.message === "string") return err.message;
  return String(err);
}
