/**
 * One clock for everything that runs locally: durable timers, timer triggers and the simulator's
 * operation durations all read it. `RealClock` for `npm start`, `VirtualClock` in tests, where
 * `advance()` fires whatever falls due, in order, and returns once every registered component is idle.
 */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once the clock reaches `at` (epoch ms). Returns a cancel function. */
  setTimer(at: number, callback: () => void): CancelTimer;
  /** A component (host, simulator) that reports when it has nothing in flight. */
  registerIdleProbe(probe: IdleProbe): () => void;
  /** Resolves once every registered component is idle. */
  waitForIdle(): Promise<void>;
  readonly kind: "real" | "virtual";
}

/** Resolves when the component has no work in flight (no running invocation, no queued message). */
export type IdleProbe = () => Promise<void>;

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

abstract class ProbedClock {
  private readonly probes = new Set<IdleProbe>();

  registerIdleProbe(probe: IdleProbe): () => void {
    this.probes.add(probe);
    return () => this.probes.delete(probe);
  }

  /**
   * Waits until every probe reports idle in one pass: a probe's work can wake another component
   * (an activity calls the simulator, a simulator event reaches the host), so passes repeat until
   * none of them had to wait.
   */
  async waitForIdle(): Promise<void> {
    for (let pass = 0; pass < 10_000; pass++) {
      let waited = false;
      for (const probe of [...this.probes]) {
        let settled = false;
        const done = probe().then(() => { settled = true; });
        // A probe that resolves synchronously-ish (already idle) settles within a microtask turn.
        await Promise.race([done, new Promise<void>((r) => setImmediate(r))]);
        if (!settled) {
          waited = true;
          await done;
        }
      }
      if (!waited) return;
    }
    throw new Error("Clock.waitForIdle: components kept waking each other for 10,000 passes");
  }
}

export class RealClock extends ProbedClock implements Clock {
  readonly kind = "real" as const;

  now(): number {
    return Date.now();
  }

  setTimer(at: number, callback: () => void): CancelTimer {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const wait = at - Date.now();
      if (wait <= 0) {
        handle = setTimeout(() => { if (!cancelled) callback(); }, 0);
      } else {
        handle = setTimeout(() => { if (!cancelled) arm(); }, Math.min(wait, MAX_TIMEOUT_MS));
      }
      handle.unref?.();
    };
    arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class VirtualClock extends ProbedClock implements Clock {
  readonly kind = "virtual" as const;
  private current: number;
  private seq = 0;
  /** Pending timers as a binary min-heap on (at, seq); cancelled ones are dropped when they reach the top. */
  private timers: VirtualTimer[] = [];
  private live = 0;
  private advancing: Promise<void> = Promise.resolve();

  constructor(start: Date | string | number = "2026-01-05T00:00:00Z") {
    super();
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`VirtualClock: invalid start time ${String(start)}`);
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, callback: () => void): CancelTimer {
    const timer: VirtualTimer = { at: Math.max(at, this.current), seq: this.seq++, callback, cancelled: false };
    this.push(timer);
    this.live++;
    // A timer already due fires on the next turn, as setTimeout(0) would.
    if (timer.at <= this.current) {
      setImmediate(() => this.fire(timer));
    }
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.live--;
    };
  }

  /** Number of timers still pending (for tests and diagnostics). */
  pendingTimers(): number {
    return this.live;
  }

  /** Time of the next pending timer, if any. */
  nextTimerAt(): number | undefined {
    const next = this.nextDue(Number.POSITIVE_INFINITY);
    return next?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due in order, settling after each. */
  advance(ms: number): Promise<void> {
    if (ms < 0) throw new Error("VirtualClock.advance: negative duration");
    return this.advanceTo(this.current + ms);
  }

  advanceTo(target: Date | string | number): Promise<void> {
    const to = new Date(target).getTime();
    const run = this.advancing.then(() => this.runUntil(to));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async runUntil(to: number): Promise<void> {
    await this.waitForIdle();
    for (;;) {
      const next = this.nextDue(to);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      this.fire(next);
      await this.waitForIdle();
    }
    this.current = Math.max(this.current, to);
    await this.waitForIdle();
  }

  /** The earliest pending timer due at or before `limit` (earliest registered first among equals). */
  private nextDue(limit: number): VirtualTimer | undefined {
    while (this.timers.length > 0 && this.timers[0]!.cancelled) this.pop();
    const top = this.timers[0];
    return top !== undefined && top.at <= limit ? top : undefined;
  }

  private fire(timer: VirtualTimer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
    timer.callback();
  }

  private static before(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: VirtualTimer): void {
    // Cancelled timers wait in the heap until they reach the top; when they outnumber the live
    // ones, the heap is rebuilt without them (a sorted array is a valid heap).
    if (this.timers.length > 1024 && this.timers.length > 2 * this.live) {
      this.timers = this.timers.filter((t) => !t.cancelled).sort((a, b) => (VirtualClock.before(a, b) ? -1 : 1));
    }
    const heap = this.timers;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.timers;
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && VirtualClock.before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && VirtualClock.before(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
