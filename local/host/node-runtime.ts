/**
 * Node's own module system and process, even when this code runs inside jest. Jest hands modules a
 * subclass of `Module` whose `createRequire` returns jest's registry and a copy of `process` whose
 * `env` is private to the test file; the app, like in Azure, runs on Node's real ones.
 */
import Module from "node:module";

export type NodeModuleClass = typeof Module & { _cache: Record<string, unknown> };

export function realModule(): NodeModuleClass {
  let candidate: unknown = Module;
  // The real class owns `prototype.require`; jest's subclass inherits it.
  while (typeof candidate === "function" && !Object.prototype.hasOwnProperty.call(candidate.prototype, "require")) {
    candidate = Object.getPrototypeOf(candidate);
  }
  if (typeof candidate !== "function") throw new Error("Cannot find Node's Module class");
  return candidate as NodeModuleClass;
}

/** A require function of Node's module system, resolving from `fromFile`. */
export function realRequire(fromFile: string): NodeJS.Require {
  return realModule().createRequire(fromFile);
}

/** The process object the app sees (its `process.env` is where settings go). */
export function realProcess(): NodeJS.Process {
  return realRequire(__filename)("process") as NodeJS.Process;
}
