import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { PublicJwk } from './keys';

/** Finds the public key for a token's `kid`; `undefined` when no live key has that id. */
export type KeyResolver = (kid: string) => Promise<KeyObject | undefined>;

function toKeyMap(keys: PublicJwk[]): Map<string, KeyObject> {
  return new Map(
    keys.map((jwk) => [
      jwk.kid,
      createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e } satisfies JsonWebKey, format: 'jwk' }),
    ]),
  );
}

export function staticKeys(keys: PublicJwk[]): KeyResolver {
  const map = toKeyMap(keys);
  return async (kid) => map.get(kid);
}

/**
 * Fetches the JWKS from the users subgraph and caches it. An unknown `kid` triggers a refetch
 * (a key was just rotated in), at most once per `minRefetchMs`, so forged kids cannot make us
 * hammer the key server. A failed fetch keeps the previous keys.
 */
export function remoteJwks(url: string, options: { minRefetchMs?: number; timeoutMs?: number } = {}): KeyResolver {
  const minRefetchMs = options.minRefetchMs ?? 10_000;
  let keys = new Map<string, KeyObject>();
  let lastFetch = 0;
  let inflight: Promise<void> | undefined;

  const refresh = () =>
    (inflight ??= (async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
        if (!response.ok) throw new Error(`JWKS ${url} answered ${response.status}`);
        const body = (await response.json()) as { keys?: PublicJwk[] };
        keys = toKeyMap(body.keys ?? []);
      } catch {
        // Keep the keys we had: verification fails closed for unknown kids anyway.
      } finally {
        lastFetch = Date.now();
        inflight = undefined;
      }
    })());

  return async (kid) => {
    if (!keys.has(kid) && Date.now() - lastFetch >= minRefetchMs) await refresh();
    return keys.get(kid);
  };
}
