/**
 * The registry of the platform's services: every process, its port, its entry and what it needs.
 * Adding a subgraph is one line here (docs/architecture.md, "Adding a subgraph"); everything
 * that lists services reads this table:
 *
 * - `npm start` (scripts/start.ts) starts them in this order, handing each what it needs;
 * - `npm run compose` writes rover.yaml from it, and codegen generates resolver types for every
 *   subgraph in it (codegen.ts);
 * - the test harness (test/helpers/subgraphs.ts) starts every subgraph of it in process;
 * - shared/config.ts accepts a `SUBGRAPH_<NAME>_URL` override for every subgraph of it;
 * - `npm run services:check` (in .ci/run) fails when rover.yaml, docker-compose.yml or the
 *   Prisma schema list disagree with it.
 *
 * This module is pure data and string helpers: anything may import it.
 */

/**
 * What a service needs besides what every service gets (config, logger, Redis when set). Each
 * need names the environment variables a deployment must give that service, and only that one.
 */
export const NEEDS = {
  /** Postgres: its own schema (subgraphs), token sessions and readiness (gateway). */
  database: { env: ['DATABASE_URL'] },
  /** Signs access tokens and publishes the JWKS every other service verifies them with. */
  jwtSigningKeys: { env: ['JWT_SIGNING_KEYS'] },
  /** Signs ticket QR codes and publishes their public keys. */
  qrSigningKeys: { env: ['QR_SIGNING_KEYS'] },
  /** Payment settings; the webhook secret is required in production. */
  paymentSettings: { env: ['PAYMENT_WEBHOOK_SECRET'] },
  /** Help-desk settings: business hours and their time zone (SLA clocks). */
  supportSettings: { env: ['SUPPORT_BUSINESS_HOURS', 'SUPPORT_TIMEZONE'] },
  /** Gamification settings: the time zone of local days, weeks and seasons. */
  gamificationSettings: { env: ['GAMIFICATION_TIMEZONE'] },
  /** Reports settings: the time zone of reports that name none. */
  reportsSettings: { env: ['REPORTS_TIMEZONE'] },
  /** Outgoing mail: the SMTP server, the sender and reply-to, and the base URL of links in mails. */
  mailSettings: { env: ['SMTP_URL', 'MAIL_FROM', 'MAIL_REPLY_TO', 'APP_URL'] },
  /** Signs the viewer credential subgraphs trust (they get its public half, VIEWER_CREDENTIAL_PUBLIC_KEY). */
  viewerCredentialKey: { env: ['VIEWER_CREDENTIAL_SIGNING_KEY'] },
} as const satisfies Record<string, { env: readonly string[] }>;

export type Need = keyof typeof NEEDS;

export interface ServiceDefinition {
  name: string;
  kind: 'subgraph' | 'gateway';
  /** Default port (PORT overrides it); the subgraph's routing URL is `http://<host>:<port>/graphql`. */
  port: number;
  /** The process's entry, relative to the repository root; the image runs its build (`distEntry`). */
  entry: string;
  /** The Postgres schema a subgraph owns (prisma/schema/<schema>.prisma); it writes only there. */
  dbSchema?: string;
  needs: readonly Need[];
}

/** Every service, in start order: subgraphs first (users publishes the JWKS), the gateway last. */
// prettier-ignore
export const SERVICES = [
  { name: 'users', kind: 'subgraph', port: 4001, entry: 'subgraphs/users/src/index.ts', dbSchema: 'users', needs: ['database', 'jwtSigningKeys'] },
  { name: 'tickets', kind: 'subgraph', port: 4002, entry: 'subgraphs/tickets/src/index.ts', dbSchema: 'tickets', needs: ['database', 'qrSigningKeys'] },
  { name: 'orders', kind: 'subgraph', port: 4003, entry: 'subgraphs/orders/src/index.ts', dbSchema: 'orders', needs: ['database', 'paymentSettings'] },
  { name: 'reports', kind: 'subgraph', port: 4004, entry: 'subgraphs/reports/src/index.ts', dbSchema: 'reports', needs: ['database', 'reportsSettings'] },
  { name: 'gamification', kind: 'subgraph', port: 4005, entry: 'subgraphs/gamification/src/index.ts', dbSchema: 'gamification', needs: ['database', 'gamificationSettings'] },
  { name: 'support', kind: 'subgraph', port: 4006, entry: 'subgraphs/support/src/index.ts', dbSchema: 'support', needs: ['database', 'supportSettings'] },
  { name: 'notifications', kind: 'subgraph', port: 4007, entry: 'subgraphs/notifications/src/index.ts', dbSchema: 'notifications', needs: ['database', 'mailSettings'] },
  { name: 'gateway', kind: 'gateway', port: 4000, entry: 'gateway/src/index.ts', needs: ['database', 'viewerCredentialKey'] },
] as const satisfies readonly ServiceDefinition[];

export type ServiceName = (typeof SERVICES)[number]['name'];
export type SubgraphName = Extract<(typeof SERVICES)[number], { kind: 'subgraph' }>['name'];

type SubgraphDefinition = ServiceDefinition & { kind: 'subgraph'; name: SubgraphName };

/** The subgraphs, in start order. */
export const SUBGRAPHS: readonly SubgraphDefinition[] = SERVICES.filter(
  (s): s is Extract<(typeof SERVICES)[number], { kind: 'subgraph' }> => s.kind === 'subgraph',
);
export const SUBGRAPH_NAMES: readonly SubgraphName[] = SUBGRAPHS.map((s) => s.name);
export const GATEWAY: ServiceDefinition = SERVICES.find((s) => s.kind === 'gateway')!;

/** The registry entry of `name`; throws for a name that is not registered. */
export function serviceNamed(name: string): ServiceDefinition {
  const service: ServiceDefinition | undefined = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`${name} is not a registered service (shared/services.ts)`);
  return service;
}

export function needs(service: ServiceDefinition, need: Need): boolean {
  return service.needs.includes(need);
}

/** The subgraph whose JWKS every service verifies tokens with. */
export const JWKS_ISSUER: ServiceDefinition = SUBGRAPHS.find((s) => needs(s, 'jwtSigningKeys'))!;

/** The config key that overrides a subgraph's routing URL at the gateway: `users` → `SUBGRAPH_USERS_URL`. */
export function subgraphUrlVariable(name: string): string {
  return subgraphVariable(name, 'URL');
}

/** The gateway's fetch-timeout override variable for a subgraph: `SUBGRAPH_ORDERS_TIMEOUT_MS`. */
export function subgraphTimeoutVariable(name: string): string {
  return subgraphVariable(name, 'TIMEOUT_MS');
}

function subgraphVariable(name: string, suffix: string): string {
  return `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${suffix}`;
}

/** A subgraph's GraphQL URL on `host` (localhost, or its service name on the compose network). */
export function routingUrl(service: ServiceDefinition, host = 'localhost'): string {
  return `http://${host}:${service.port}/graphql`;
}

/** The JWKS URL on `host`, as every service but its issuer fetches it. */
export function jwksUrl(host = 'localhost'): string {
  return `http://${host}:${JWKS_ISSUER.port}/.well-known/jwks.json`;
}

/** The compiled entry the image runs: `subgraphs/users/src/index.ts` → `dist/subgraphs/users/src/index.js`. */
export function distEntry(service: ServiceDefinition): string {
  return `dist/${service.entry.replace(/\.ts$/, '.js')}`;
}
