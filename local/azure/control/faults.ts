import { FAULT_KINDS, type ArmOperationKind, type BucketLimit, type FaultSpec, type ThrottleLimits, type SimKernel, UnknownFaultKindError } from "../kernel";

/**
 * `POST /_sim/faults` `{ kind, target?, count?, durationMs?, until?, ...params }` → `201 { id, ... }`;
 * `GET /_sim/faults` lists live faults; `DELETE /_sim/faults` clears them; `DELETE /_sim/faults/{id}` removes one.
 */
export function registerFaultControl(kernel: SimKernel): void {
  kernel.router.control("POST", "/_sim/faults", (req) => {
    const body = req.body as Partial<FaultSpec> | undefined;
    if (!body || typeof body !== "object" || typeof body.kind !== "string") {
      return { status: 400, body: { error: { code: "InvalidFault", message: `A fault needs a 'kind': one of ${FAULT_KINDS.join(", ")}` } } };
    }
    try {
      const id = kernel.faults.add({ ...body, kind: body.kind });
      return { status: 201, body: kernel.faults.list().find((f) => f.id === id) ?? { id } };
    } catch (err) {
      if (err instanceof UnknownFaultKindError) return { status: 400, body: { error: { code: "InvalidFault", message: err.message } } };
      throw err;
    }
  });
  kernel.router.control("GET", "/_sim/faults", () => ({ status: 200, body: { value: kernel.faults.list() } }));
  kernel.router.control("DELETE", "/_sim/faults", () => {
    kernel.faults.clear();
    return { status: 204 };
  });
  kernel.router.control("DELETE", "/_sim/faults/{id}", (_req, p) =>
    kernel.faults.remove(p.id ?? "") ? { status: 204 } : { status: 404, body: { error: { code: "NotFound", message: `No fault '${p.id}'` } } });
}

/** `GET /_sim/stats`: ARM requests by operation and status (`dataPlane`: the metrics data plane's, apart); `DELETE /_sim/stats` resets the counters.
 * `GET|PUT /_sim/throttling` reads or lowers the token-bucket limits (`{ read?: { burst, perSecond }, write?, delete? }`). */
export function registerStatsControl(kernel: SimKernel): void {
  kernel.router.control("GET", "/_sim/throttling", () => ({ status: 200, body: kernel.throttler.limits }));
  kernel.router.control("PUT", "/_sim/throttling", (req) => {
    const body = (req.body ?? {}) as Partial<Record<ArmOperationKind, Partial<BucketLimit>>>;
    const next: Partial<ThrottleLimits> = {};
    for (const kind of ["read", "write", "delete"] as const) {
      const b = body[kind];
      if (!b) continue;
      const burst = Number(b.burst ?? kernel.throttler.limits[kind].burst);
      const perSecond = Number(b.perSecond ?? kernel.throttler.limits[kind].perSecond);
      if (!(burst >= 1) || !(perSecond > 0)) {
        return { status: 400, body: { error: { code: "InvalidLimits", message: `${kind}: burst must be >= 1 and perSecond > 0` } } };
      }
      next[kind] = { burst, perSecond };
    }
    kernel.throttler.setLimits(next);
    return { status: 200, body: kernel.throttler.limits };
  });
  kernel.router.control("GET", "/_sim/stats", () => ({
    status: 200,
    body: {
      ...kernel.stats.toJSON(), operationsInProgress: kernel.lro.inProgressCount(), now: new Date(kernel.clock.now()).toISOString(),
      dataPlane: kernel.dataPlaneStats.toJSON()
    }
  }));
  kernel.router.control("DELETE", "/_sim/stats", () => {
    kernel.stats.reset();
    kernel.dataPlaneStats.reset();
    return { status: 204 };
  });
}
