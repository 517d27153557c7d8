import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { FieldIssue } from "../../shared/domain/maintenanceSchedule";

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

/** The JSON body, `undefined` when empty, or a marker when it is not JSON. */
export async function readJson(request: HttpRequest): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const text = await request.text();
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function unknownFields(body: Record<string, unknown>, allowed: readonly string[]): FieldIssue[] {
  return Object.keys(body).filter((k) => !allowed.includes(k)).map((field) => ({ field, message: "is not a known field" }));
}
