/**
 * Requests in flight per caller (a signed-in user by id, an anonymous one by address), checked
 * before a body is read or parsed. A caller past its share waits in its own line, first come
 * first served, and is refused only when that line is full or the wait too long; so a browser's
 * burst of parallel requests is served a little later, while a flood from one caller runs a
 * few operations at a time and cannot crowd out everyone else's (`npm run bench -- flood`).
 * Counted per gateway instance, in memory.
 */
import type { RequestHandler, Request } from 'express';
import { ErrorCode } from '../../shared/errors';
import type { Caller } from './limits';

export interface InFlightLimits {
  /** Requests one signed-in user may have running at once. */
  signedIn: number;
  /** Requests one anonymous address may have running at once. */
  anonymous: number;
  /** Requests one caller may have waiting beyond those; past it they are refused. */
  maxQueued: number;
  /** How long a request may wait for its turn before it is refused. */
  maxWaitMs: number;
}

/**
 * Why a request was not let through: its caller's line is full, its turn did not come in time,
 * or it ended (the client went away) while it waited.
 */
export type GateRefusal = 'QUEUE_FULL' | 'WAITED_TOO_LONG' | 'ABANDONED';

interface Line {
  running: number;
  waiting: Array<{ admit: () => void }>;
}

/**
 * A counting semaphore per key. `enter` resolves with a `leave` function once the key has a free
 * slot (call it exactly once, when the request is over), or with a refusal; a waiter whose
 * request ends first is taken out with `abandon` (the signal).
 */
export class KeyedGate {
  private readonly lines = new Map<string, Line>();

  constructor(private readonly maxQueued: number) {}

  /** Requests running and waiting for `key`, for tests and metrics. */
  load(key: string): { running: number; waiting: number } {
    const line = this.lines.get(key);
    return { running: line?.running ?? 0, waiting: line?.waiting.length ?? 0 };
  }

  enter(key: string, limit: number, maxWaitMs: number, signal: AbortSignal): Promise<(() => void) | GateRefusal> {
    if (signal.aborted) return Promise.resolve('ABANDONED');
    let line = this.lines.get(key);
    if (!line) {
      line = { running: 0, waiting: [] };
      this.lines.set(key, line);
    }
    const current = line;
    const leave = () => {
      current.running--;
      const next = current.waiting.shift();
      if (next) next.admit();
      else if (current.running === 0) this.lines.delete(key);
    };
    if (current.running < limit) {
      current.running++;
      return Promise.resolve(once(leave));
    }
    if (current.waiting.length >= this.maxQueued) return Promise.resolve('QUEUE_FULL');
    return new Promise((resolve) => {
      const waiter = {
        admit: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', abandon);
          current.running++;
          resolve(once(leave));
        },
      };
      const drop = () => {
        const at = current.waiting.indexOf(waiter);
        if (at >= 0) current.waiting.splice(at, 1);
        if (current.running === 0 && current.waiting.length === 0) this.lines.delete(key);
      };
      const abandon = () => {
        clearTimeout(timer);
        drop();
        resolve('ABANDONED');
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', abandon);
        drop();
        resolve('WAITED_TOO_LONG');
      }, maxWaitMs);
      signal.addEventListener('abort', abandon, { once: true });
      current.waiting.push(waiter);
    });
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * The express middleware: a request takes its caller's slot until its response is finished or
 * its connection closes. A refusal is RATE_LIMITED, HTTP 429, with `retryAfterSeconds` and
 * `Retry-After` (1 s: a slot frees as soon as one of the caller's own requests ends).
 */
export function limitInFlight(
  limits: InFlightLimits,
  callerOf: (req: Request) => Promise<Caller | undefined>,
): RequestHandler {
  const gate = new KeyedGate(limits.maxQueued);
  return async (req, res, next) => {
    const caller = await callerOf(req);
    // A request whose token does not verify goes on, to be answered 401 by Apollo as any other.
    if (!caller) return next();
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const key = caller.userId ? `user:${caller.userId}` : `address:${caller.clientIp}`;
    const limit = caller.userId ? limits.signedIn : limits.anonymous;
    const entered = await gate.enter(key, limit, limits.maxWaitMs, closed.signal);
    if (typeof entered === 'function') {
      res.once('close', entered);
      // The response may have closed while the request waited for its slot.
      if (closed.signal.aborted) return entered();
      return next();
    }
    if (entered === 'ABANDONED') return;
    res
      .status(429)
      .set('retry-after', '1')
      .json({
        errors: [
          {
            message:
              entered === 'QUEUE_FULL'
                ? 'Too many requests in flight from this caller; wait for the ones running'
                : 'Too many requests in flight from this caller; this one waited too long for its turn',
            extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: 1 },
          },
        ],
      });
  };
}
