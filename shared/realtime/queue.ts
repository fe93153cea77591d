/**
 * A bounded, single-consumer async queue that is also an `AsyncIterableIterator`: producers
 * `push`, one consumer pulls with `next()` (or `for await`), in push order.
 *
 * Why not an async generator: a generator suspended in an `await` cannot be returned from
 * until that await settles, so `return()` on an idle subscription would hang and leak its
 * upstream. Here `return()` settles a pending `next()` at once and runs `onClose` (the
 * unsubscribe) exactly once, however the queue ends.
 */

/** A consumer fell more than `maxPending` items behind: the queue fails rather than grow. */
export class QueueOverflowError extends Error {
  override name = 'QueueOverflowError';
}

export interface AsyncQueueOptions {
  /** Items buffered beyond this many fail the queue with `QueueOverflowError`. */
  maxPending: number;
  /** Cleanup, called once when the queue ends for any reason (return, fail, end drained). */
  onClose?: () => void;
}

export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter?: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void };
  /** Set once no more items will be accepted. */
  private ended = false;
  private failure?: { error: unknown };
  private closed = false;

  constructor(private readonly options: AsyncQueueOptions) {}

  /** Items waiting for the consumer. */
  get pending(): number {
    return this.items.length;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Queues an item; returns false when the queue has ended (the item is dropped). */
  push(item: T): boolean {
    if (this.ended) return false;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.options.maxPending) {
      this.fail(new QueueOverflowError(`More than ${this.options.maxPending} items waiting`));
      return false;
    }
    this.items.push(item);
    return true;
  }

  /** No more items: the consumer drains what is buffered, then sees the end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.items.length === 0) this.settleWaiter();
  }

  /** Ends now, dropping buffered items: the consumer's next `next()` rejects with `error`. */
  fail(error: unknown): void {
    // Once closed (returned, or drained to its end) there is no consumer left to tell.
    if (this.closed) return;
    this.ended = true;
    this.items.length = 0;
    this.failure = { error };
    this.settleWaiter();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      this.close();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.ended) {
      this.close();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.ended = true;
    this.items.length = 0;
    this.failure = undefined;
    this.settleWaiter();
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private settleWaiter(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      this.close();
      waiter.reject(error);
    } else {
      this.close();
      waiter.resolve({ value: undefined, done: true });
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose?.();
  }
}
