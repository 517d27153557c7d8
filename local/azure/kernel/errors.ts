/**
 * An error that the kernel turns into Azure's error envelope
 * (`{"error":{"code","message"}}`, see the ARM RPC "Error Response Content" section).
 */
export class ArmError extends Error {
  override readonly name = "ArmError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { code: string; message: string }[],
    readonly headers?: Record<string, string>
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Normalises anything thrown into an Error (for handlers and timers). */
export function ensureError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
