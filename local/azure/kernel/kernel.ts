import type { Clock } from "../../clock";
import { ApiVersionRegistry } from "./api-versions";
import { ArmError } from "./errors";
import { EventBus, type EventSink } from "./events";
import { FaultRegistry } from "./faults";
import { IdleTracker } from "./idle";
import { LroManager } from "./lro";
import { DEFAULT_PAGE_SIZE, pageOf } from "./paging";
import { SimRouter } from "./router";
import { SimStats } from "./stats";
import { ResourceStore } from "./store";
import { Throttler, type ThrottleLimits } from "./throttle";
import type { ArmOperationKind, SimRequest, SimResponse } from "./types";

/** A write, delete or action that an ARM route answered with 2xx (for Event Grid's resource events). */
export interface ArmSuccess {
  req: SimRequest;
  operation: string;
  kind: Exclude<ArmOperationKind, "read">;
  status: number;
}

export interface SimConfig {
  subscriptionId: string;
  location: string;
  /** Multiplies every operation duration (1 = AKS-like minutes; `npm start` uses a small fraction). */
  durationScale: number;
  /** Items per page of list operations. */
  pageSize: number;
}

/** A module's state that is saved to `<dataDir>/azure-sim.json` and reloaded at start. */
export interface PersistentState {
  save(): unknown;
  load(data: unknown): void;
}

export interface SimKernelOptions {
  clock: Clock;
  subscriptionId?: string;
  location?: string;
  durationScale?: number;
  pageSize?: number;
  throttling?: Partial<ThrottleLimits>;
}

export const DEMO_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000001";

/**
 * Everything simulator modules share: the clock, routing, resources, events, faults, long-running
 * operations, throttling and stats. Modules plug in as `registerXxx(kernel)`.
 */
export class SimKernel {
  readonly clock: Clock;
  readonly config: SimConfig;
  readonly router = new SimRouter();
  readonly store: ResourceStore;
  readonly events: EventBus;
  readonly faults: FaultRegistry;
  readonly lro: LroManager;
  readonly stats = new SimStats();
  /** Requests to data planes that are not ARM (the metrics data plane's `metrics:getBatch`), counted apart from `stats`. */
  readonly dataPlaneStats = new SimStats();
  readonly throttler: Throttler;
  readonly work = new IdleTracker();
  /** api-versions per modelled provider namespace (unknown ones → 400 InvalidApiVersionParameter). */
  readonly apiVersions = new ApiVersionRegistry();
  private readonly states = new Map<string, PersistentState>();
  private readonly disposers: (() => void)[] = [];
  private url = "https://127.0.0.1";
  private readonly armSuccessListeners = new Set<(e: ArmSuccess) => void>();
  /** Per-module helpers other modules read (e.g. AKS's pool health for Monitor's metrics). */
  private readonly services = new Map<string, unknown>();

  constructor(options: SimKernelOptions) {
    this.clock = options.clock;
    this.config = {
      subscriptionId: options.subscriptionId ?? DEMO_SUBSCRIPTION_ID,
      location: options.location ?? "westeurope",
      durationScale: options.durationScale ?? 1,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE
    };
    this.store = new ResourceStore(this.clock);
    this.events = new EventBus(this.clock, (p) => this.work.track(p));
    this.faults = new FaultRegistry(this.clock);
    this.lro = new LroManager(this.clock, () => this.url);
    this.throttler = new Throttler(this.clock, options.throttling);
    this.registerState("resources", { save: () => this.store.snapshot(), load: (d) => this.store.restore(d as never) });
    this.registerState("operations", { save: () => this.lro.snapshot(), load: (d) => this.lro.restore(d as never) });
  }

  /** `https://127.0.0.1:<port>` once the server listens. */
  get baseUrl(): string {
    return this.url;
  }

  setBaseUrl(url: string): void {
    this.url = url.replace(/\/+$/, "");
  }

  /** Hands published events to Event Grid delivery (sim-services). */
  setEventSink(sink: EventSink | undefined): void {
    this.events.setSink(sink);
  }

  /**
   * Called after every ARM write, delete or action answered with 2xx (the router's one place that
   * knows "a write succeeded"); Event Grid turns these into Microsoft.Resources.Resource*Success events.
   */
  onArmSuccess(listener: (e: ArmSuccess) => void): () => void {
    this.armSuccessListeners.add(listener);
    return () => this.armSuccessListeners.delete(listener);
  }

  notifyArmSuccess(e: ArmSuccess): void {
    for (const listener of this.armSuccessListeners) {
      try {
        listener(e);
      } catch {
        // A listener's failure must not turn a successful ARM response into an error.
      }
    }
  }

  /** Registers cleanup for `stop()` (cancel clock timers, close clients) so a stopped simulator leaves nothing armed. */
  onDispose(fn: () => void): void {
    this.disposers.push(fn);
  }

  /** Runs the cleanups registered with `onDispose` and stops the operations' timers. */
  dispose(): void {
    for (const fn of this.disposers.splice(0)) {
      try {
        fn();
      } catch {
        // Cleanup is best effort: one module's failure must not keep the others armed.
      }
    }
    this.lro.stop();
  }

  /** Counts `p` as work in flight for `waitForIdle` (e.g. a webhook delivery). */
  track<T>(p: Promise<T>): Promise<T> {
    return this.work.track(p);
  }

  /** Operation durations scale with `durationScale` (at least 1 ms so completion is always a later tick). */
  scaled(ms: number): number {
    return Math.max(1, Math.round(ms * this.config.durationScale));
  }

  registerState(name: string, state: PersistentState): void {
    this.states.set(name, state);
  }

  saveState(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, s] of this.states) out[name] = s.save();
    return out;
  }

  /** Loads saved state; modules load in registration order, so resources come first. */
  loadState(data: Record<string, unknown>): void {
    for (const [name, s] of this.states) {
      if (data[name] !== undefined) s.load(data[name]);
    }
  }

  provide<T>(name: string, service: T): void {
    this.services.set(name, service);
  }

  service<T>(name: string): T | undefined {
    return this.services.get(name) as T | undefined;
  }

  /** A list response paged with `nextLink`. */
  page<T>(req: SimRequest, items: T[]): SimResponse {
    return { status: 200, body: pageOf(req, items, this.config.pageSize) };
  }

  /** 404 as ARM words it for a missing resource. */
  notFound(id: string): ArmError {
    const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
    const typeAndName = /\/providers\/(.+)$/i.exec(id)?.[1] ?? id;
    return new ArmError(404, "ResourceNotFound",
      `The Resource '${typeAndName}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
}
