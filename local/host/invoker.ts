/**
 * The invocation pipeline of the Node worker (src/eventHandlers/InvocationHandler.ts): the app's
 * programming model builds an invocation model from the core context, then `getArguments`,
 * `preInvocation` hooks, `invokeFunction`, `postInvocation` hooks, `getResponse`.
 */
import { randomUUID } from "node:crypto";
import type { InvocationInput, InvocationResult, RegisteredFunction, RpcTypedData } from "./extension";
import type { FunctionRegistry, HookData, RpcLogCategory, RpcLogLevel } from "./functions-core";
import { ReadOnlyError, runHooks } from "./hooks";
import type { HostLogger } from "./logger";

export class FunctionNotFoundError extends Error {
  override readonly name = "FunctionNotFoundError";
  constructor(readonly functionName: string) {
    super(`Function '${functionName}' is not registered in this app.`);
  }
}

/** The function threw (or rejected): carries what it threw as `cause`. */
export class FunctionInvocationError extends Error {
  override readonly name = "FunctionInvocationError";
  constructor(readonly functionName: string, readonly invocationId: string, cause: unknown) {
    super(`Function '${functionName}' (invocation ${invocationId}) failed: ${describe(cause)}`, { cause });
  }
}

interface PostInvocationState {
  inputs: unknown[];
  result: unknown;
  error: unknown;
}

interface CoreResponse {
  returnValue?: RpcTypedData | null;
  outputData?: { name?: string | null; data?: RpcTypedData | null }[] | null;
}

export interface InvokeOptions {
  registry: FunctionRegistry;
  logger: HostLogger;
  /** Why the host runs the function, for the "Executing" log line (as the Azure host logs it). */
  reason?: string;
}

/** `00-{trace id}-{parent id}-00` (https://www.w3.org/TR/trace-context/#traceparent-header), random ids. */
function traceParent(): string {
  const trace = randomUUID().replace(/-/g, "");
  const parent = randomUUID().replace(/-/g, "").slice(0, 16);
  return `00-${trace}-${parent}-00`;
}

export async function invokeRegistered(fn: RegisteredFunction, input: InvocationInput, options: InvokeOptions): Promise<InvocationResult> {
  const { registry, logger } = options;
  const programmingModel = registry.programmingModel;
  if (!programmingModel) throw new Error("No programming model registered: the app was not loaded");
  const invocationId = randomUUID();
  const logContext = { functionName: fn.name, invocationId, ...(input.logContext ?? {}) };
  const category = `${fn.name}.Invocation`;
  const log = (level: RpcLogLevel, logCategory: RpcLogCategory, message: string): void =>
    logger({ level, category: logCategory === "user" ? `Function.${fn.name}.User` : category, message, context: logContext });

  const started = process.hrtime.bigint();
  logger({ level: "information", category: `Function.${fn.name}`, message: `Executing 'Functions.${fn.name}' (Reason='${options.reason ?? "This function was programmatically called via the host APIs."}', Id=${invocationId})`, context: logContext });

  const coreCtx: { invocationId: string; request: unknown; metadata: unknown; state?: string; log: typeof log } = {
    invocationId,
    request: {
      invocationId,
      functionId: fn.name,
      inputData: input.inputData,
      triggerMetadata: input.triggerMetadata ?? {},
      // W3C traceparent: a 16-byte trace id and an 8-byte parent id in hex, from the buffered UUID
      // generator (two randomBytes calls per invocation were a fleet bench's hot spot).
      traceContext: { traceParent: traceParent(), traceState: "", attributes: {} }
    },
    metadata: { name: fn.name, functionId: fn.name, bindings: fn.bindings, retryOptions: fn.retryOptions },
    state: undefined,
    log
  };

  let succeeded = false;
  let failure: unknown;
  try {
    const invocationModel = await programmingModel.getInvocationModel(coreCtx);
    const hookData: HookData = {};
    const args = await invocationModel.getArguments();
    const context = args.context;
    const readOnly = {
      get hookData() { return hookData; },
      set hookData(_v: HookData) { throw new ReadOnlyError("hookData"); },
      get appHookData() { return registry.appHookData; },
      set appHookData(_v: HookData) { throw new ReadOnlyError("appHookData"); },
      get invocationContext() { return context; },
      set invocationContext(_v: unknown) { throw new ReadOnlyError("invocationContext"); }
    };
    const preContext = Object.defineProperties({ inputs: args.inputs, functionCallback: fn.handler }, Object.getOwnPropertyDescriptors(readOnly));
    coreCtx.state = "preInvocationHooks";
    try {
      await runHooks(registry, "preInvocation", preContext);
    } finally {
      coreCtx.state = undefined;
    }

    const postState: PostInvocationState = { inputs: preContext.inputs, result: null, error: null };
    const postContext = Object.defineProperties(postState, Object.getOwnPropertyDescriptors(readOnly));
    coreCtx.state = "invocation";
    try {
      postContext.result = await invocationModel.invokeFunction(context, preContext.inputs, preContext.functionCallback);
    } catch (err) {
      postContext.error = err;
    } finally {
      coreCtx.state = undefined;
    }

    coreCtx.state = "postInvocationHooks";
    try {
      await runHooks(registry, "postInvocation", postContext);
    } finally {
      coreCtx.state = undefined;
    }
    // The worker treats any non-null error left by the hooks as the invocation's failure (errors.ts isError).
    if (postContext.error !== null && postContext.error !== undefined) {
      throw new FunctionInvocationError(fn.name, invocationId, postContext.error);
    }
    const response = (await invocationModel.getResponse(context, postContext.result)) as CoreResponse;
    succeeded = true;
    return {
      returnValue: response.returnValue,
      outputData: (response.outputData ?? []).flatMap((o) => (o.name && o.data ? [{ name: o.name, data: o.data }] : []))
    };
  } catch (err) {
    failure = err instanceof FunctionInvocationError ? err.cause : err;
    if (err instanceof FunctionInvocationError) throw err;
    throw new FunctionInvocationError(fn.name, invocationId, err);
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // As the Functions host does, a failure's line carries the exception (message and stack).
    const stack = failure && typeof failure === "object" && "stack" in failure && typeof failure.stack === "string" ? failure.stack : undefined;
    const detail = succeeded ? "" : `\n${stack ?? describe(failure)}`;
    logger({ level: succeeded ? "information" : "error", category: `Function.${fn.name}`, message: `Executed 'Functions.${fn.name}' (${succeeded ? "Succeeded" : "Failed"}, Id=${invocationId}, Duration=${Math.round(ms)}ms)${detail}`, context: logContext });
  }
}

function describe(err: unknown): string {
  if (err && typeof err === "object" && "message" in err && typeof err.message === "string") return err.message;
  return String(err);
}

