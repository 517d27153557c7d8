/**
 * The seam between the local Functions host (`local/host`) and the extensions that run inside it
 * (today: Durable Functions, `local/host/durable`). The host owns function registration, the
 * programming-model invocation pipeline, HTTP serving and the clock; an extension owns its own
 * trigger types, input bindings and webhook routes, as the Azure host's extensions do.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock";

/** Protobuf-shaped typed data as the Node worker passes it to the programming model. */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: unknown;
  int?: number | null;
  double?: number | null;
}

/** One binding as registered by the app (`@azure/functions` `toCoreFunctionMetadata`). */
export interface RegisteredBinding {
  type: string;
  direction: "in" | "out" | "inout";
  [setting: string]: unknown;
}

export interface RegisteredFunction {
  name: string;
  /** Binding name → binding, exactly as registered (the trigger binding included). */
  bindings: Record<string, RegisteredBinding>;
  /** Name and binding of the trigger (the one binding whose type ends in "Trigger"). */
  triggerName: string;
  trigger: RegisteredBinding;
  retryOptions?: unknown;
  /** The registered callback (the user's handler, or the durable SDK's wrapper). */
  handler: (...args: unknown[]) => unknown;
}

export interface InvocationInput {
  /** Trigger data (under the trigger's binding name) and input bindings, as RPC typed data. */
  inputData: { name: string; data: RpcTypedData }[];
  triggerMetadata?: Record<string, RpcTypedData>;
  /** For log lines: e.g. the durable instance id. */
  logContext?: Record<string, string>;
}

export interface InvocationResult {
  /** `$return` as RPC typed data, converted back with `fromRpcTypedData` semantics by `decodeTypedData`. */
  returnValue?: RpcTypedData | null;
  outputData: { name: string; data: RpcTypedData }[];
}

/** What the host gives an extension. */
export interface ExtensionContext {
  clock: Clock;
  dataDir: string;
  settings: Readonly<Record<string, string>>;
  /** e.g. `http://127.0.0.1:7071` once listening. */
  baseUrl(): string;
  functions(): ReadonlyMap<string, RegisteredFunction>;
  /** Runs a function through the app's programming model, as the Node worker would. Rejects if the function threw. */
  invoke(functionName: string, input: InvocationInput): Promise<InvocationResult>;
  log(level: "trace" | "debug" | "information" | "warning" | "error", message: string, context?: Record<string, string>): void;
  /** The host's system key for an extension's webhook (`durabletask_extension`, `eventgrid_extension`). */
  systemKey(name: "durabletask_extension" | "eventgrid_extension"): string;
}

export interface HostExtension {
  readonly name: string;
  /** Trigger types this extension dispatches (e.g. `orchestrationTrigger`); the host never calls them itself. */
  readonly triggerTypes: readonly string[];
  start(context: ExtensionContext): Promise<void>;
  /**
   * Data for an input binding of one of this extension's types (e.g. `durableClient`), added by the
   * host to every invocation of a function that declares it.
   */
  inputBinding?(binding: RegisteredBinding): RpcTypedData | undefined;
  /** Handles `/runtime/webhooks/<path>` requests it owns; returns false to let the host answer 404. */
  handleWebhook?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Resolves when the extension has nothing in flight. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}
