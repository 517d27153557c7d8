/**
 * The one error normaliser (shared/domain/failures.ts) over what the SDKs really throw: a
 * core-rest-pipeline `RestError` (ARM), an @azure/cosmos `ErrorResponse`, the store's
 * `NotFoundError`, and the durable client's errors, whose status is only in their text
 * (durable-functions 3.5.0 lib/src/durableClient/DurableClient.js, the messages below verbatim).
 */
import { RestError, createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { ErrorResponse } from "@azure/cosmos";
import { failureOf, isNotFound, isRetryable } from "../../shared/domain/failures";
import { NotFoundError, ConcurrencyError } from "../../shared/store";
import { PermanentArmError } from "../../orchestrations/common/activities/errors";

const armError = (status: number, code: string, headers: Record<string, string> = {}): RestError => {
  const request = createPipelineRequest({ url: "https://management.azure.com/x" });
  return new RestError(`${code} happened`, {
    statusCode: status, code, request,
    response: { status, headers: createHttpHeaders(headers), request, bodyAsText: JSON.stringify({ error: { code, message: `${code} happened` } }) }
  });
};

describe("failureOf: one normaliser, typed kinds", () => {
  it("ARM: 404 notFound, 409 conflict, 429 throttled with Retry-After, 503 transient, 400 permanent", () => {
    expect(failureOf(armError(404, "ResourceNotFound"))).toMatchObject({ kind: "notFound", status: 404, code: "ResourceNotFound" });
    expect(failureOf(armError(409, "OperationNotAllowed"))).toMatchObject({ kind: "conflict", status: 409 });
    expect(failureOf(armError(429, "TooManyRequests", { "retry-after": "7" }))).toMatchObject({ kind: "throttled", retryAfterMs: 7000 });
    expect(isRetryable(failureOf(armError(503, "ServiceUnavailable")))).toBe(true);
    expect(failureOf(armError(400, "InvalidParameter"))).toMatchObject({ kind: "permanent", status: 400 });
  });

  it("Cosmos and the store: a 404 ErrorResponse and the store's NotFoundError are notFound; a lost ETag race is transient", () => {
    const cosmos = Object.assign(new ErrorResponse("Entity with the specified id does not exist in the system."), { code: 404 });
    expect(isNotFound(cosmos)).toBe(true);
    const missing = new NotFoundError("operations", "op1", "c1");
    expect(failureOf(missing)).toMatchObject({ kind: "notFound", code: "NotFoundError", status: 404 });
    expect(failureOf(new ConcurrencyError("operations", "op1", "c1", 5)).kind).toBe("transient");
  });

  it("the durable client: getStatus's and raiseEvent's 404 texts are notFound, a generic 500 transient, a 409 start conflict", () => {
    expect(isNotFound(new Error("DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided: i1."))).toBe(true);
    expect(isNotFound(new Error("No instance with ID 'i1' found."))).toBe(true);
    expect(failureOf(new Error("The operation failed with an unexpected status code: 500. Details: {}"))).toMatchObject({ kind: "transient", status: 500 });
    expect(failureOf(new Error("The operation failed with an unexpected status code: 409. Details: {}")).kind).toBe("conflict");
    // Text that merely mentions 404 is not a 404.
    expect(isNotFound(new Error("pool user has 404 nodes"))).toBe(false);
  });

  it("a wrapped ARM 404 (PermanentArmError) still reads as not there; other wrapped failures stay permanent", () => {
    expect(isNotFound(new PermanentArmError("c1", "Reading the budget", failureOf(armError(404, "NotFound"))))).toBe(true);
    expect(failureOf(new PermanentArmError("c1", "PUT", failureOf(armError(400, "InvalidParameter")))).kind).toBe("permanent");
  });
});
