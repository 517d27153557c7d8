/**
 * The Azure simulator kernel, shared by every simulator module (AKS, resources, Event Grid,
 * Monitor, Budgets, Teams).
 *
 * - `SimKernel` holds `clock`, `config { subscriptionId, location, durationScale, pageSize }`,
 *   `router`, `store`, `events`, `faults`, `lro`, `stats`, `throttler`, `work` (idle tracking).
 * - Routes: `kernel.router.arm(method, template, handler, { operation, kind })` for ARM routes;
 *   the kernel authenticates (Bearer, else 401 `AuthenticationFailed`), requires `api-version`
 *   (400 `MissingApiVersionParameter`), throttles per subscription and kind (429 + `Retry-After`,
 *   `x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}`), counts stats by operation and
 *   status, and turns a thrown `ArmError(status, code, message)` into Azure's error envelope.
 *   Templates: literal segments match case-insensitively, `{name}` one segment, `{*scope}` one or
 *   more segments; the most specific template wins (literals > params > `{*rest}`).
 *   `kernel.router.control(method, template, handler)` for `/_sim/...` (no auth, no api-version).
 * - Handlers: `(req: SimRequest, params) => SimResponse | Promise<SimResponse>`; lists answer
 *   `kernel.page(req, items)` (`{ value, nextLink }`).
 * - `store`: `ResourceStore` keyed case-insensitively: `get/put/delete/deleteTree/list({prefix,type})`,
 *   `envelope(id, fields)` builds `{ id, name, type, systemData, ...fields }`.
 * - `events.publish(sourceResourceId, [{ eventType, subject, data, dataVersion? }])` stamps `id`,
 *   `eventTime` (clock), `topic` (= source id) and `metadataVersion`; records them in
 *   `events.recorded` and hands them to the sink registered with `kernel.setEventSink({ deliver })`.
 *   Deliveries should be wrapped in `kernel.track(promise)` so `waitForIdle` waits for them.
 * - `faults`: `add({ kind, target?, count?, until?, durationMs?, ...params }) → id`,
 *   `take(kind, target)` (consumes one firing), `peek(kind, target)`, `remove(id)`, `clear()`, `list()`.
 *   A fault's target matches the same id or anything under it (case-insensitive); no target: all.
 * - `lro.begin({ resourceId, operation, durationMs, location, apiVersion, context?, onComplete?, fail? })`
 *   → `{ operation, headers }` with `Azure-AsyncOperation` (`.../locations/{loc}/operations/{id}`)
 *   and `Location` (`.../operationresults/{id}`); completes on the clock by running `onComplete`
 *   or the completion registered with `lro.handle(operation, fn)` (a thrown ArmError fails it).
 * - `registerState(name, { save, load })`: saved to `<dataDir>/azure-sim.json`.
 * - `provide(name, service)` / `service(name)`: cross-module helpers, e.g. `service<AksFleet>("aks")`
 *   (`getPoolHealth(clusterId, pool)` → `{ nodes, ready, notReady, surgeNodes, rolling }`).
 * - `onDispose(fn)`: cleanup run by the simulator's `stop()` (cancel clock timers a module armed).
 */
export { ApiVersionRegistry, namespaceOfPath } from "./api-versions";
export { ArmError, ensureError } from "./errors";
export { EventBus, type EventSink, type PublishedEvent } from "./events";
export { FAULT_KINDS, FaultRegistry, UnknownFaultKindError, stringParam, type Fault, type FaultKind, type FaultSpec } from "./faults";
export { IdleTracker } from "./idle";
export { DEMO_SUBSCRIPTION_ID, SimKernel, type PersistentState, type SimConfig, type SimKernelOptions } from "./kernel";
export { LroManager, UnknownOperationError, type LroBeginOptions, type LroCompletion, type LroOperation, type LroOutcome, type LroStatus } from "./lro";
export { registerOperationRoutes } from "./operation-routes";
export { DEFAULT_PAGE_SIZE, pageOf } from "./paging";
export { SimRouter, pathSegments, type Route, type RouteMatch } from "./router";
export { dispatch, listen, toSimRequest, type RunningServer } from "./server";
export { SimStats, type RequestRecord } from "./stats";
export { ResourceStore, idKey, nameOf, resourceTypeOf, withoutTrailingSlashes, type ArmResource, type ListFilter, type SystemData } from "./store";
export { ARM_DEFAULT_LIMITS, REMAINING_HEADER, Throttler, type BucketLimit, type ThrottleDecision, type ThrottleLimits } from "./throttle";
export type { ArmOperationKind, ArmRouteOptions, EventGridEvent, EventGridEventInput, SimHandler, SimRequest, SimResponse } from "./types";
