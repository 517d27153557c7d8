/**
 * Calls orchestrator and activity functions through the host's invocation pipeline
 * (`ExtensionContext.invoke`), as the extension does through the Node worker: the trigger payload
 * goes in as JSON text under the trigger's binding name, and `$return` comes back as RPC typed data.
 */
import type { ExtensionContext, RpcTypedData } from "../extension";
import type { OrchestratorOutcome, OrchestratorStateWire } from "./episode";
import { errorMessage, errorStack, isErrorLike } from "./errors";

/** Marker the SDK puts between the error message and the orchestrator state (`OrchestrationFailureError`). */
const OUT_OF_PROC_DATA_LABEL = "\n\n$OutOfProcData$:";

export function decodeTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.bytes) return Buffer.from(data.bytes).toString("base64");
  if (data.stream) return Buffer.from(data.stream).toString("base64");
  return undefined;
}

function triggerBindingName(ctx: ExtensionContext, functionName: string, type: string): string | undefined {
  const fn = ctx.functions().get(functionName);
  return fn && fn.trigger.type === type ? fn.triggerName : undefined;
}

export async function invokeOrchestrator(ctx: ExtensionContext, name: string, instanceId: string, payload: object): Promise<OrchestratorOutcome> {
  const binding = triggerBindingName(ctx, name, "orchestrationTrigger");
  if (!binding) {
    return { error: `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`, details: "" };
  }
  try {
    const result = await ctx.invoke(name, {
      inputData: [{ name: binding, data: { string: JSON.stringify(payload) } }],
      logContext: { instanceId },
    });
    const state = decodeTypedData(result.returnValue) as OrchestratorStateWire | undefined;
    if (!state || typeof state !== "object") return { error: "the orchestrator returned no state", details: "" };
    return { state };
  } catch (err) {
    // The SDK reports a thrown orchestrator as "<flag>\n\n$OutOfProcData$:<state JSON>" with the user's message in state.error.
    const original = userError(err);
    const message = errorMessage(original);
    const at = message.indexOf(OUT_OF_PROC_DATA_LABEL);
    if (at >= 0) {
      try {
        const state = JSON.parse(message.slice(at + OUT_OF_PROC_DATA_LABEL.length)) as OrchestratorStateWire;
        return { error: state.error ?? message.slice(0, at), details: "", state };
      } catch {
        // fall through to the raw message
      }
    }
    return { error: message, details: errorStack(original) };
  }
}

export type ActivityOutcome = { result: string } | { reason: string; details: string };

export async function invokeActivity(ctx: ExtensionContext, name: string, input: string, logContext: Record<string, string>): Promise<ActivityOutcome> {
  const binding = triggerBindingName(ctx, name, "activityTrigger");
  if (!binding) {
    return { reason: `The function '${name}' doesn't exist, is disabled, or is not an activity function.`, details: "" };
  }
  try {
    const result = await ctx.invoke(name, { inputData: [{ name: binding, data: { string: input } }], logContext });
    const value = decodeTypedData(result.returnValue);
    return { result: value === undefined ? "null" : JSON.stringify(value) };
  } catch (err) {
    // The extension's TaskActivityShim wording; the SDK shows the orchestrator `${Reason} \n ${Details}`.
    const original = userError(err);
    return {
      reason: `Activity function '${name}' failed: ${errorMessage(original)}`,
      details: errorStack(original),
    };
  }
}

/** The function's own error: the host wraps it (FunctionInvocationError with `cause`), the worker would send its message. */
function userError(err: unknown): unknown {
  return isErrorLike(err) && err.cause !== undefined ? err.cause : err;
}
