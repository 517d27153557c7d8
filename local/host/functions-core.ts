/**
 * The `@azure/functions-core` module that the Azure Functions Node.js worker provides to an app at
 * runtime (shape: `types-core/index.d.ts` of Azure/azure-functions-nodejs-worker, worker 3.x).
 * `@azure/functions` and `durable-functions` register every function, hook and the programming model
 * here, so capturing these calls shows the local host the same metadata and bindings Azure sees.
 *
 * Registrations go to the registry of the host that is currently loading an app (set by the loader
 * with `beginAppLoad`), so one process can start a host, stop it and start another.
 */
import { redactSecrets } from "./redact";

export type RpcLogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
export type RpcLogCategory = "user" | "system" | "customMetric";
export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookData = Record<string, unknown>;
export type HookCallback = (context: HookContextLike) => void | Promise<void>;

export interface HookContextLike {
  readonly hookData: HookData;
  readonly appHookData: HookData;
}

export interface CoreBindingInfo {
  type?: string | null;
  direction?: "in" | "out" | "inout" | null;
  dataType?: "undefined" | "string" | "binary" | "stream" | null;
  [setting: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, CoreBindingInfo>;
  retryOptions?: unknown;
}

/** The programming model (`@azure/functions` registers its own) that turns RPC data into handler arguments. */
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: unknown): InvocationModel | Promise<InvocationModel>;
  getCapabilities?(defaultCapabilities: Record<string, string>): Record<string, string> | Promise<Record<string, string>>;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<unknown>;
}

/** Same semantics as the worker's `Disposable` (src/Disposable.ts). */
export class Disposable {
  static from(...disposableLikes: { dispose: () => unknown }[]): Disposable {
    let pending: readonly { dispose: () => unknown }[] | undefined = disposableLikes;
    return new Disposable(() => {
      if (!pending) return;
      for (const d of pending) {
        if (typeof d?.dispose === "function") d.dispose();
      }
      pending = undefined;
    });
  }

  #callOnDispose?: () => unknown;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return typeof call === "function" ? call() : undefined;
  }
}

/** Thrown where the worker throws `AzFuncSystemError`, with the same messages. */
export class FunctionsCoreError extends Error {
  override readonly name = "FunctionsCoreError";
}

export interface CoreRegistration {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

/** Everything one app registered while loading (and hooks registered later). */
export class FunctionRegistry {
  readonly functions = new Map<string, CoreRegistration>();
  readonly hooks = new Map<string, HookCallback[]>();
  readonly appHookData: HookData = {};
  programmingModel: ProgrammingModel | undefined;
  /** The worker forbids registering or disposing functions once app startup has finished. */
  indexingLocked = false;

  constructor(readonly log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void = () => undefined) {}

  hooksFor(name: string): HookCallback[] {
    return [...(this.hooks.get(name) ?? [])];
  }
}

let currentRegistry: FunctionRegistry | undefined;
/**
 * `@azure/functions` sets its programming model only the first time it is used in a process
 * (`hasSetModel` in its app.ts); a registry loaded later with a cached library falls back to it.
 */
let lastProgrammingModel: ProgrammingModel | undefined;

/** Called by the app loader: registrations now go to `registry`. */
export function beginAppLoad(registry: FunctionRegistry): void {
  currentRegistry = registry;
}

/** Called by the app loader once the entry points ran: later registrations of functions fail as in Azure. */
export function endAppLoad(registry: FunctionRegistry): void {
  registry.indexingLocked = true;
  registry.programmingModel ??= lastProgrammingModel;
}

function requireRegistry(what: string): FunctionRegistry {
  if (!currentRegistry) {
    throw new FunctionsCoreError(`${what}: no local Functions host is loading an app in this process.`);
  }
  return currentRegistry;
}

// The worker's version this module mimics, and the Functions host version we stand in for.
export const version = "3.9.1";
export const hostVersion = "4.1037.0";

export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  const registry = requireRegistry("registerFunction");
  if (registry.indexingLocked) {
    throw new FunctionsCoreError("A function can only be registered during app startup.");
  }
  const functionId = metadata.functionId || metadata.name;
  if (registry.functions.has(functionId)) {
    throw new FunctionsCoreError(`A function with id "${functionId}" has already been registered.`);
  }
  registry.functions.set(functionId, { metadata, callback });
  return new Disposable(() => {
    if (registry.indexingLocked) {
      throw new FunctionsCoreError("A function can only be disposed during app startup.");
    }
    registry.functions.delete(functionId);
  });
}

export function registerHook(hookName: string, callback: HookCallback): Disposable {
  const registry = requireRegistry("registerHook");
  const list = registry.hooks.get(hookName) ?? [];
  list.push(callback);
  registry.hooks.set(hookName, list);
  return new Disposable(() => {
    const current = registry.hooks.get(hookName) ?? [];
    const index = current.indexOf(callback);
    if (index >= 0) current.splice(index, 1);
  });
}

export function setProgrammingModel(programmingModel: ProgrammingModel): void {
  lastProgrammingModel = programmingModel;
  if (currentRegistry) {
    currentRegistry.programmingModel = programmingModel;
  }
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return currentRegistry?.programmingModel ?? lastProgrammingModel;
}

export function log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
  if (currentRegistry) {
    currentRegistry.log(level, category, message);
  } else if (level === "error" || level === "critical" || level === "warning") {
    console.error(redactSecrets(`[functions-core] ${message}`));
  }
}
