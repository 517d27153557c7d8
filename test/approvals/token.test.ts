import { createHmac, randomBytes } from "node:crypto";
import {
  ApprovalSigningKeyError, InvalidApprovalClaimsError, signApprovalToken, verifyApprovalToken, type ApprovalClaims
} from "../../shared/approvals/token";

const key = "a-local-signing-key-of-decent-length";
const claims: ApprovalClaims = { instanceId: "k8s-upgrade:aks-prod:1.32.3", step: 2, expiresAt: "2026-11-22T10:00:00.000Z", nonce: "7f1c2a" };
const before = "2026-11-21T10:00:00.000Z";

describe("approval tokens", () => {
  it("round-trips the claims and is URL-safe", () => {
    const token = signApprovalToken(claims, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyApprovalToken(token, key, before)).toEqual({ ok: true, claims });
  });

  it("accepts a Buffer key identical to its string form", () => {
    const token = signApprovalToken(claims, Buffer.from(key));
    expect(verifyApprovalToken(token, key, before).ok).toBe(true);
  });

  it("two tokens for the same step differ by their nonce", () => {
    expect(signApprovalToken(claims, key)).not.toBe(signApprovalToken({ ...claims, nonce: "other" }, key));
  });

  it("is expired at and after expiresAt", () => {
    const token = signApprovalToken(claims, key);
    expect(verifyApprovalToken(token, key, "2026-11-22T09:59:59.999Z").ok).toBe(true);
    expect(verifyApprovalToken(token, key, claims.expiresAt)).toEqual({ ok: false, reason: "expired" });
    expect(verifyApprovalToken(token, key, "2027-01-01T00:00:00Z")).toEqual({ ok: false, reason: "expired" });
  });

  it("detects an edited payload (another step, a later expiry)", () => {
    const [, signature] = signApprovalToken(claims, key).split(".");
    for (const edited of [{ ...claims, step: 3 }, { ...claims, expiresAt: "2030-01-01T00:00:00.000Z" }]) {
      const forgedPayload = Buffer.from(JSON.stringify({ i: edited.instanceId, s: edited.step, e: edited.expiresAt, n: edited.nonce })).toString("base64url");
      expect(verifyApprovalToken(`${forgedPayload}.${signature}`, key, before)).toEqual({ ok: false, reason: "tampered" });
    }
  });

  it("detects a flipped signature character, a truncated signature and another key", () => {
    const token = signApprovalToken(claims, key);
    const at = token.indexOf(".") + 10;
    const flipped = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    expect(verifyApprovalToken(flipped, key, before)).toEqual({ ok: false, reason: "tampered" });
    expect(verifyApprovalToken(token.slice(0, -4), key, before)).toEqual({ ok: false, reason: "tampered" });
    expect(verifyApprovalToken(token, randomBytes(32), before)).toEqual({ ok: false, reason: "tampered" });
  });

  it("accepts only the canonical spelling of the signature's last character", () => {
    const token = signApprovalToken(claims, key);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1)!);
    // Same high 4 bits, different unused low 2 bits: decodes to the same 32 bytes.
    const variants = [0, 1, 2, 3].map((low) => alphabet[(last & ~3) | low]!).filter((c) => c !== token.at(-1));
    expect(variants).toHaveLength(3);
    for (const c of variants) expect(verifyApprovalToken(token.slice(0, -1) + c, key, before)).toEqual({ ok: false, reason: "tampered" });
  });

  it("reports tampering before expiry, so an expired forgery is still a forgery", () => {
    const token = signApprovalToken(claims, key);
    expect(verifyApprovalToken(token, "another-key-of-enough-length", "2030-01-01T00:00:00Z")).toEqual({ ok: false, reason: "tampered" });
  });

  it.each([[""], ["abc"], ["a.b.c"], ["a b.c"], ["é.x"], [42], [null], ["x".repeat(5000)]])("rejects %j as malformed", (token) => {
    expect(verifyApprovalToken(token, key, before)).toEqual({ ok: false, reason: "malformed" });
  });

  it("a correctly signed payload that is not valid claims is malformed", () => {
    // Sign a payload that is JSON but lacks the claims, using the real scheme, to prove the claims check runs after the signature.
    const payload = Buffer.from(JSON.stringify({ i: "x" })).toString("base64url");
    const sig = createHmac("sha256", key).update(payload).digest("base64url");
    expect(verifyApprovalToken(`${payload}.${sig}`, key, before)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses short keys and bad claims when signing", () => {
    expect(() => signApprovalToken(claims, "short")).toThrow(ApprovalSigningKeyError);
    expect(() => verifyApprovalToken("a.b", "", before)).toThrow(ApprovalSigningKeyError);
    expect(() => signApprovalToken({ ...claims, step: -1 }, key)).toThrow(InvalidApprovalClaimsError);
    expect(() => signApprovalToken({ ...claims, expiresAt: "tomorrow" }, key)).toThrow(/expiresAt/);
    expect(() => signApprovalToken({ ...claims, instanceId: "" }, key)).toThrow(/instanceId/);
  });
});
