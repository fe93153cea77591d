/**
 * `POST /unsubscribe?token=...`: the RFC 8058 one-click target of the `List-Unsubscribe` header
 * in marketing mail (a mail client posts `List-Unsubscribe=One-Click`, with no session). The
 * gateway hands the token to notifications' `unsubscribe` mutation, which owns preferences,
 * and answers 200 whatever the token (it reveals nothing).
 */
import express, { Router } from 'express';
import type { Logger } from '../../shared/logger';

const MUTATION = 'mutation($token: String!) { unsubscribe(token: $token) }';

export function unsubscribeRoute(deps: { target?: string; subgraphSecret?: string; logger: Logger }): Router {
  const router = Router();
  router.post('/', express.urlencoded({ extended: false, limit: 1024 }), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!deps.target || !token || token.length > 64) return void res.status(400).type('text/plain').send('Bad link\n');
    try {
      const answer = await fetch(deps.target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(deps.subgraphSecret ? { 'x-subgraph-secret': deps.subgraphSecret } : {}),
        },
        body: JSON.stringify({ query: MUTATION, variables: { token } }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!answer.ok) throw new Error(`notifications answered ${answer.status}`);
      res.type('text/plain').send('Unsubscribed\n');
    } catch (err) {
      deps.logger.warn('one-click unsubscribe failed', { error: (err as Error).message });
      res.status(503).type('text/plain').send('Try again later\n');
    }
  });
  return router;
}
