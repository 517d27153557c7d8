/** Base of the store's errors: which container and document, so a log line is enough to find it. */
export class StoreError extends Error {
  override readonly name: string = "StoreError";

  constructor(
    message: string,
    readonly container: string,
    readonly id: string,
    readonly partitionKey: string,
    options?: { cause?: unknown }
  ) {
    super(message, options);
  }
}

/** A create found a document with the same id in the partition (Cosmos 409 Conflict). */
export class DuplicateError extends StoreError {
  override readonly name = "DuplicateError";

  constructor(container: string, id: string, partitionKey: string, cause?: unknown) {
    super(`${container}: a document with id "${id}" already exists (partition "${partitionKey}")`, container, id, partitionKey, { cause });
  }
}

export class NotFoundError extends StoreError {
  override readonly name = "NotFoundError";
  /** Cosmos' answer, for the one error normaliser (shared/domain/failures.ts `failureOf`: kind `notFound`). */
  readonly status = 404;
  readonly code = "NotFoundError";

  constructor(container: string, id: string, partitionKey: string) {
    super(`${container}: no document with id "${id}" (partition "${partitionKey}")`, container, id, partitionKey);
  }
}

/**
 * `mutate` lost the ETag race on every attempt. Each lost race means another writer succeeded,
 * so this only happens under sustained contention on one document; the caller may retry later.
 */
export class ConcurrencyError extends StoreError {
  override readonly name = "ConcurrencyError";

  constructor(container: string, id: string, partitionKey: string, readonly attempts: number) {
    super(`${container}: document "${id}" kept changing underneath; gave up after ${attempts} attempts`, container, id, partitionKey);
  }
}

/** HTTP status of an @azure/cosmos `ErrorResponse` (its `code` is the status), or undefined. */
export function cosmosStatus(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code === "number") return code;
  if (typeof statusCode === "number") return statusCode;
  return undefined;
}
