/**
 * Runs hooks registered through `@azure/functions-core` `registerHook`, in registration order,
 * awaiting each, as the worker's src/hooks/executeHooks.ts does. A hook that throws blocks the
 * invocation (or the app start), as in Azure.
 */
import type { FunctionRegistry, HookData } from "./functions-core";

export class ReadOnlyError extends TypeError {
  override readonly name = "ReadOnlyError";
  constructor(property: string) {
    super(`Cannot assign to read only property '${property}'`);
  }
}

export async function runHooks(registry: FunctionRegistry, hookName: string, context: object): Promise<void> {
  for (const callback of registry.hooksFor(hookName)) {
    await callback(context as Parameters<typeof callback>[0]);
  }
}

/** `appStart` / `appTerminate`: contexts with their own hookData and the app-wide appHookData. */
export async function runAppHooks(registry: FunctionRegistry, hookName: "appStart" | "appTerminate", extra: Record<string, unknown> = {}): Promise<void> {
  const hookData: HookData = {};
  const context = {
    ...extra,
    get hookData() { return hookData; },
    set hookData(_v: HookData) { throw new ReadOnlyError("hookData"); },
    get appHookData() { return registry.appHookData; },
    set appHookData(_v: HookData) { throw new ReadOnlyError("appHookData"); }
  };
  await runHooks(registry, hookName, context);
}
