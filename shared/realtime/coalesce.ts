/**
 * Coalesces bursts of changes into a few publishes per key: the first change of a key is sent
 * at once, later ones within `intervalMs` of the last send become one send at the end of that
 * interval. Subscribers re-read current state on each send, so nothing is lost by merging.
 */
export class Coalescer<K> {
  private readonly lastSent = new Map<K, number>();
  private readonly pending = new Map<K, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (key: K) => void,
  ) {}

  changed(key: K): void {
    if (this.pending.has(key)) return;
    const wait = (this.lastSent.get(key) ?? -Infinity) + this.intervalMs - Date.now();
    const fire = () => {
      this.pending.delete(key);
      this.lastSent.set(key, Date.now());
      this.send(key);
    };
    if (wait <= 0) fire();
    else this.pending.set(key, setTimeout(fire, wait).unref());
  }

  /** Drops the sends not yet made (at shutdown). */
  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
