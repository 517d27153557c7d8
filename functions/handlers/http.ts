import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { FieldIssue } from "../../shared/domain/maintenanceSchedule";
import { isRecord } from "../../shared/domain/json";
export { isRecord };

export type { FieldIssue };

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body };
}

/** `400` naming every invalid field: `{ error: { code, message, fields: [{ field, message }] } }`. */
export function badRequest(issues: FieldIssue[]): HttpResponseInit {
  return json(400, { error: { code: "InvalidRequest", message: issues.map((i) => `${i.field} ${i.message}`).join("; "), fields: issues } });
}

export function problem(status: number, code: string, message: string, extra: Record<string, unknown> = {}): HttpResponseInit {
  return json(status, { error: { code, message }, ...extra });
}

/** The most the API routes read of a request body (the Event Grid webhook's limit is the host's, 1 MB). */
export const API_BODY_LIMIT_BYTES = 64 * 1024;

export function bodyTooLarge(limit = API_BODY_LIMIT_BYTES): HttpResponseInit {
  return problem(413, "RequestEntityTooLarge", `The request body is larger than ${limit} bytes`);
}

/**
 * The body as text, or `undefined` when it is over `limit` bytes: a declared `content-length` over
 * it is refused without reading, and a body without one is read only up to the limit.
 */
export async function readText(request: HttpRequest, limit = API_BODY_LIMIT_BYTES): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const stream = request.body;
  if (!stream) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: the rest is never read.
  for await (const value of stream as unknown as AsyncIterable<Uint8Array>) {
    size += value.byteLength;
    if (size > limit) return undefined;
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The JSON body, `undefined` when empty, or the response refusing it (400 not JSON, 413 too large). */
export async function readJson(request: HttpRequest): Promise<{ ok: true; value: unknown } | { ok: false; response: HttpResponseInit }> {
  const text = await readText(request);
  if (text === undefined) return { ok: false, response: bodyTooLarge() };
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: badRequest([{ field: "body", message: "must be JSON" }]) };
  }
}

export function unknownFields(body: Record<string, unknown>, allowed: readonly string[]): FieldIssue[] {
  return Object.keys(body).filter((k) => !allowed.includes(k)).map((field) => ({ field, message: "is not a known field" }));
}
