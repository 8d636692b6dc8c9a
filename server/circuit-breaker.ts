/**
 * Stops calling a remote service that failed, for a while, so an outage costs each request
 * nothing instead of a timeout. After the break one call (and only one) probes the service again:
 * success closes the breaker, failure starts another break. The caller learns when an outage
 * starts and ends, to report each once.
 */
export class CircuitBreaker {
  private down = false;
  private openUntil = Number.NEGATIVE_INFINITY;
  private probing = false;
  private downSince = 0;

  constructor(
    private readonly breakMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to call the service now: always while it works, then once per break while it does not. */
  allow(): boolean {
    if (!this.down) return true;
    if (this.probing || this.now() < this.openUntil) return false;
    this.probing = true;
    return true;
  }

  /** Records a failed call; true when it starts an outage. */
  failed(): boolean {
    this.probing = false;
    this.openUntil = this.now() + this.breakMs;
    if (this.down) return false;
    this.down = true;
    this.downSince = this.now();
    return true;
  }

  /** Records a successful call; the outage's length in ms when it ends one, otherwise null. */
  succeeded(): number | null {
    this.probing = false;
    if (!this.down) return null;
    this.down = false;
    return this.now() - this.downSince;
  }
}
