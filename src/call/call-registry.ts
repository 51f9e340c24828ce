/**
 * Live calls: per-trunk counts for `maxCalls`, the total for /healthz, and the wait used by SIGTERM draining.
 */
export class CallRegistry {
  private readonly byTrunk = new Map<string, number>();
  private total = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.total;
  }

  countFor(trunk: string): number {
    return this.byTrunk.get(trunk) ?? 0;
  }

  /** Reserve a slot on the trunk; false when its maxCalls is reached. */
  tryAdd(trunk: string, maxCalls: number): boolean {
    const n = this.countFor(trunk);
    if (n >= maxCalls) return false;
    this.byTrunk.set(trunk, n + 1);
    this.total++;
    return true;
  }

  remove(trunk: string): void {
    const n = this.countFor(trunk);
    if (n <= 1) this.byTrunk.delete(trunk);
    else this.byTrunk.set(trunk, n - 1);
    this.total = Math.max(0, this.total - 1);
    if (this.total === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const fn of w) fn();
    }
  }

  /** Resolves when no call is left. */
  idle(): Promise<void> {
    if (this.total === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
