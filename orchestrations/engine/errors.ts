import { clean } from "../../shared/domain/failures";
import type { ArmErrorInfo } from "../common/contracts";
import { ActivityFailedError } from "./call";

/** What a record keeps of something thrown inside the engine: ARM's or Cosmos' code and message, cleaned (no stack, no path). */
export function errorOf(err: unknown, phase?: string, fallbackCode?: string): ArmErrorInfo {
  if (err instanceof ActivityFailedError) {
    // A plain Error carries no code of its own: name what failed instead of "Error".
    const code = err.failure.code === "Error" && fallbackCode ? fallbackCode : err.failure.code;
    return { code, message: clean(err.failure.message) };
  }
  const message = clean(err instanceof Error ? err.message : String(err));
  return { code: phase ? `${phase[0]!.toUpperCase()}${phase.slice(1)}Failed` : "OperationFailed", message };
}
