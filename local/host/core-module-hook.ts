/**
 * Makes `require("@azure/functions-core")` return this host's core module, as the Node worker does
 * (its src/setupCoreModule.ts proxies `Module.prototype.require` for exactly that one request).
 *
 * The proxy is installed once per process and reads the served module from a slot on the `Module`
 * object itself: under jest every test file has its own copy of the host modules, while the app is
 * loaded through Node's real module system, which outlives them; the slot always names the copy of
 * the host that loaded the app most recently.
 */
import { realModule } from "./node-runtime";

const SLOT = Symbol.for("aksops.localHost.functionsCore");
const INSTALLED = Symbol.for("aksops.localHost.functionsCoreHookInstalled");

type ModuleWithSlots = ReturnType<typeof realModule> & { [SLOT]?: unknown; [INSTALLED]?: boolean };
type RequireFn = (this: unknown, id: string) => unknown;

export function serveFunctionsCore(coreApi: object): void {
  const mod: ModuleWithSlots = realModule();
  mod[SLOT] = coreApi;
  if (mod[INSTALLED]) return;
  mod[INSTALLED] = true;
  const proto = mod.prototype as unknown as { require: RequireFn };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === "@azure/functions-core" && mod[SLOT]) {
        return mod[SLOT];
      }
      return Reflect.apply(target, thisArg, args);
    }
  });
}
