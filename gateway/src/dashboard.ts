import path from 'node:path';
import express, { type Router } from 'express';

/** The page's own files (copied next to the compiled gateway by `npm run build`). */
const PAGE_DIR = path.join(__dirname, '../dashboard');
/** graphql-ws's browser build (a global `graphqlWs`), from the installed package. */
const GRAPHQL_WS_BROWSER = path.join(path.dirname(require.resolve('graphql-ws')), '../umd/graphql-ws.min.js');

/**
 * `/dashboard`: a static page that signs in, reads `dashboard` and follows `dashboardUpdated`
 * over the gateway's WebSocket (gateway/dashboard/). Everything it loads comes from this
 * server, so it works offline; the content security policy allows nothing else.
 */
export function dashboardPage(): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ws: wss:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  router.get('/vendor/graphql-ws.js', (_req, res) => {
    res.sendFile(GRAPHQL_WS_BROWSER);
  });
  router.use(express.static(PAGE_DIR, { index: 'index.html', redirect: true }));
  return router;
}
