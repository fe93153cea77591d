import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { renderRoverConfig } from '../scripts/compose';
import { checkDockerCompose, checkPrismaSchemas } from '../scripts/services';
import { SERVICES, SUBGRAPHS } from '../shared/services';

/** The registry (shared/services.ts) against the files that must agree with it. */
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const COMPOSE = read('docker-compose.yml');

describe('the registry of services', () => {
  test('names, ports and entries are unique', () => {
    for (const key of ['name', 'port', 'entry'] as const) {
      expect(new Set(SERVICES.map((s) => s[key])).size).toBe(SERVICES.length);
    }
  });

  test('rover.yaml is what the registry renders: every subgraph, its port and its SDL', () => {
    expect(read('rover.yaml')).toBe(renderRoverConfig());
    const rover = parseYaml(renderRoverConfig()) as {
      subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
    };
    expect(rover.subgraphs).toEqual(
      Object.fromEntries(
        SUBGRAPHS.map((s) => [
          s.name,
          { routing_url: `http://localhost:${s.port}/graphql`, schema: { file: `./schema/${s.name}.graphql` } },
        ]),
      ),
    );
  });

  test('docker-compose.yml agrees with it', () => {
    expect(checkDockerCompose(COMPOSE)).toEqual([]);
  });

  test('the Prisma schema list holds every subgraph schema', () => {
    expect(checkPrismaSchemas(read('prisma/schema/schema.prisma'), () => true)).toEqual([]);
  });
});

describe('services:check names each disagreement', () => {
  test('a subgraph on another port', () => {
    const moved = COMPOSE.replace("PORT: '4003'", "PORT: '4013'");
    expect(checkDockerCompose(moved)).toContain("docker-compose.yml: orders: environment.PORT must be '4003'");
  });

  test('a registered subgraph without a service', () => {
    const file = parseYaml(COMPOSE, { merge: true }) as { services: Record<string, unknown> };
    delete file.services.support;
    expect(checkDockerCompose(JSON.stringify(file))).toContain(
      'docker-compose.yml: support: no service (copy the block of another subgraph)',
    );
  });

  test('a service running an unregistered subgraph, and the gateway routing to it', () => {
    const file = parseYaml(COMPOSE, { merge: true }) as {
      services: Record<string, { command: string[]; environment: Record<string, string> }>;
    };
    file.services.analytics = { ...file.services.orders!, command: ['node', 'dist/subgraphs/analytics/src/index.js'] };
    file.services.gateway!.environment.SUBGRAPH_ANALYTICS_URL = 'http://analytics:4009/graphql';
    expect(checkDockerCompose(JSON.stringify(file))).toEqual(
      expect.arrayContaining([
        'docker-compose.yml: analytics: runs a service that is not in shared/services.ts',
        'docker-compose.yml: gateway: environment.SUBGRAPH_ANALYTICS_URL: no such subgraph in shared/services.ts',
      ]),
    );
  });

  test('the gateway routing to the wrong host, or not waiting for a subgraph', () => {
    const wrong = COMPOSE.replace(
      'SUBGRAPH_TICKETS_URL: http://tickets:4002/graphql',
      'SUBGRAPH_TICKETS_URL: http://x/',
    ).replace(/ {6}tickets:\n {8}condition: service_healthy\n/, '');
    expect(checkDockerCompose(wrong)).toEqual(
      expect.arrayContaining([
        'docker-compose.yml: gateway: environment.SUBGRAPH_TICKETS_URL must be http://tickets:4002/graphql',
        'docker-compose.yml: gateway: depends_on.tickets must be { condition: service_healthy }',
      ]),
    );
  });

  test('a secret given to a service that does not need it', () => {
    const leaked = COMPOSE.replace(
      "      PORT: '4002'\n",
      "      PORT: '4002'\n      JWT_SIGNING_KEYS: ${JWT_SIGNING_KEYS}\n",
    );
    expect(checkDockerCompose(leaked)).toContain(
      'docker-compose.yml: tickets: environment.JWT_SIGNING_KEYS: only for services needing jwtSigningKeys',
    );
  });

  test('a subgraph schema missing from Prisma', () => {
    const schema =
      'datasource db {\n  schemas = ["users", "events", "tickets", "orders", "gamification", "reports", "notifications"]\n}\n';
    expect(checkPrismaSchemas(schema, (s) => s !== 'orders')).toEqual([
      "prisma/schema/orders.prisma: missing (orders's models)",
      'prisma/schema/schema.prisma: add "support" to `schemas` (support\'s schema)',
    ]);
  });
});
