/** Counts work in flight (requests, event deliveries) so the clock's idle probe can wait for it. */
export class IdleTracker {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  begin(): () => void {
    this.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) this.flush();
    };
  }

  track<T>(p: Promise<T>): Promise<T> {
    const end = this.begin();
    return p.finally(end);
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private flush(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
