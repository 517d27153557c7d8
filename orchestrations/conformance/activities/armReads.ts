/** A related read of conformance: throttling and transient errors are thrown (the evaluation is retried whole), anything else is noted. */
import { isRetryable, type Failure, failureOf } from "../../../shared/domain/failures";

/** A related read that failed, and ARM's reason. */
export class Unread {
  constructor(readonly reason: string) {}
}

export async function attempt<T>(read: () => Promise<T>): Promise<T | Unread> {
  try {
    return await read();
  } catch (err) {
    const failure = failureOf(err);
    if (isRetryable(failure)) throw err;
    return new Unread(reasonOf(failure));
  }
}

export function reasonOf(f: Failure): string {
  return `${f.status ? `HTTP ${f.status} ` : ""}${f.code}: ${f.message}`.slice(0, 300);
}
