import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Approval links carry a signed token: `base64url(JSON claims) "." base64url(HMAC-SHA256(key, first part))`.
 * The signature covers instance, step, expiry and nonce, so a link cannot be edited to approve
 * another step or to live longer. The token is NOT single-use by itself: whoever records the
 * decision (the approvals store, keyed by instance and step) must refuse a second one. A token
 * only proves the platform issued this link and that it has not expired.
 */
export interface ApprovalClaims {
  /** Orchestration instance waiting for the decision. */
  instanceId: string;
  /** Index of the plan step the decision is for. */
  step: number;
  /** ISO-8601 instant after which the link is refused. */
  expiresAt: string;
  /** Random per card (from the caller, e.g. an activity's `randomUUID()`), so two cards for one step differ. */
  nonce: string;
}

export type ApprovalTokenFailure = "tampered" | "expired" | "malformed";

export type ApprovalTokenVerification =
  | { ok: true; claims: ApprovalClaims }
  | { ok: false; reason: ApprovalTokenFailure };

/** A signing key the platform should not run with (empty or too short to resist guessing). */
export class ApprovalSigningKeyError extends Error {
  readonly permanent = true as const;
  constructor(readonly detail: string) {
    super(`APPROVAL_SIGNING_KEY is unusable: ${detail}`);
    this.name = "ApprovalSigningKeyError";
  }
}

/** Claims that cannot be signed (they would not verify, or would not round-trip). */
export class InvalidApprovalClaimsError extends Error {
  readonly permanent = true as const;
  constructor(readonly detail: string) {
    super(`Cannot sign approval claims: ${detail}`);
    this.name = "InvalidApprovalClaimsError";
  }
}

const MIN_KEY_BYTES = 16;
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function signApprovalToken(claims: ApprovalClaims, key: string | Buffer): string {
  const problem = claimsProblem(claims);
  if (problem) throw new InvalidApprovalClaimsError(problem);
  const payload = Buffer.from(JSON.stringify({ i: claims.instanceId, s: claims.step, e: claims.expiresAt, n: claims.nonce }), "utf8").toString("base64url");
  return `${payload}.${sign(payload, key).toString("base64url")}`;
}

/**
 * Checks shape, then signature (constant-time), then expiry. `expired` is only reported for a
 * genuine token, so an attacker learns nothing from it; a token whose signature does not match
 * is `tampered` whatever else is wrong with it.
 */
export function verifyApprovalToken(token: unknown, key: string | Buffer, nowIso: string): ApprovalTokenVerification {
  if (typeof token !== "string" || token.length > 4096) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 2) return { ok: false, reason: "malformed" };
  const [payload, signature] = parts as [string, string];
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return { ok: false, reason: "malformed" };

  const expected = sign(payload, key);
  const given = Buffer.from(signature, "base64url");
  // Length first: timingSafeEqual needs equal lengths, and a wrong length reveals nothing about the key.
  if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, expected)) return { ok: false, reason: "tampered" };
  // The last of 43 base64url characters carries 2 unused bits; accept only the canonical spelling so
  // one signature has exactly one token string.
  if (given.toString("base64url") !== signature) return { ok: false, reason: "tampered" };

  const claims = decodeClaims(payload);
  if (!claims) return { ok: false, reason: "malformed" };
  const now = Date.parse(nowIso);
  if (Number.isNaN(now)) throw new TypeError(`verifyApprovalToken: nowIso is not a date: ${JSON.stringify(nowIso)}`);
  if (now >= Date.parse(claims.expiresAt)) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

function sign(payload: string, key: string | Buffer): Buffer {
  const keyBytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  if (keyBytes.length < MIN_KEY_BYTES) throw new ApprovalSigningKeyError(`it must be at least ${MIN_KEY_BYTES} bytes (got ${keyBytes.length})`);
  return createHmac("sha256", keyBytes).update(payload, "ascii").digest();
}

function decodeClaims(payload: string): ApprovalClaims | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const claims = { instanceId: r.i, step: r.s, expiresAt: r.e, nonce: r.n };
  return claimsProblem(claims) === undefined ? (claims as ApprovalClaims) : undefined;
}

function claimsProblem(c: { instanceId: unknown; step: unknown; expiresAt: unknown; nonce: unknown }): string | undefined {
  if (typeof c.instanceId !== "string" || c.instanceId.length === 0) return "instanceId must be a non-empty string";
  if (typeof c.step !== "number" || !Number.isInteger(c.step) || c.step < 0) return "step must be a whole number ≥ 0";
  if (typeof c.expiresAt !== "string" || Number.isNaN(Date.parse(c.expiresAt))) return "expiresAt must be an ISO-8601 instant";
  if (typeof c.nonce !== "string" || c.nonce.length === 0) return "nonce must be a non-empty string";
  return undefined;
}
