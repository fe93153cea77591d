/**
 * Keeps the files that list services in step with the registry (shared/services.ts).
 *
 *   npm run services:check   exits 1, naming each disagreement, when rover.yaml is not what the
 *                            registry renders (run `npm run compose`), docker-compose.yml lacks
 *                            or misconfigures a service, or the Prisma schema list misses a
 *                            subgraph's schema. Run by .ci/run.
 *
 * rover.yaml is generated (`renderRoverConfig` in compose.ts, written by `npm run compose`); docker-compose.yml
 * and prisma/schema/schema.prisma are written by hand and checked here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { renderRoverConfig } from './compose';
import {
  GATEWAY,
  JWKS_ISSUER,
  NEEDS,
  SERVICES,
  SUBGRAPHS,
  distEntry,
  jwksUrl,
  routingUrl,
  subgraphUrlVariable,
} from '../shared/services';

const ROOT = path.resolve(__dirname, '..');

interface ComposeService {
  command?: unknown;
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: unknown;
  ports?: unknown[];
}

/** What docker-compose.yml gets wrong about the registry's services, one line each. */
export function checkDockerCompose(text: string): string[] {
  const file = parseYaml(text, { merge: true }) as { services?: Record<string, ComposeService> };
  const services = file.services ?? {};
  const problems: string[] = [];
  const problem = (service: string, what: string) => problems.push(`docker-compose.yml: ${service}: ${what}`);

  for (const service of SERVICES) {
    const entry = services[service.name];
    if (!entry) {
      problem(service.name, 'no service (copy the block of another subgraph)');
      continue;
    }
    const env = entry.environment ?? {};
    if (!isDeepStrictEqual(entry.command, ['node', distEntry(service)])) {
      problem(service.name, `command must be ['node', '${distEntry(service)}']`);
    }
    if (env.PORT !== String(service.port)) problem(service.name, `environment.PORT must be '${service.port}'`);
    // On the compose network a service is reached by its service name.
    if (env.JWKS_URL !== jwksUrl(JWKS_ISSUER.name)) {
      problem(service.name, `environment.JWKS_URL must be ${jwksUrl(JWKS_ISSUER.name)}`);
    }
    for (const [need, { env: variables }] of Object.entries(NEEDS)) {
      const needed = (service.needs as readonly string[]).includes(need);
      for (const variable of variables) {
        if (needed && !(variable in env)) problem(service.name, `needs ${need}: environment.${variable} is missing`);
        // Secrets go only where they are needed.
        if (!needed && variable in env)
          problem(service.name, `environment.${variable}: only for services needing ${need}`);
      }
    }
    if (service.kind === 'subgraph') {
      if (!entry.healthcheck) problem(service.name, 'no healthcheck (use `<<: *subgraph`)');
      if (!entry.depends_on?.migrate) problem(service.name, 'must depend on migrate (use `<<: *subgraph`)');
    }
  }

  const gateway = services[GATEWAY.name];
  if (gateway) {
    const env = gateway.environment ?? {};
    if (!(gateway.ports ?? []).includes(`${GATEWAY.port}:${GATEWAY.port}`)) {
      problem(GATEWAY.name, `ports must publish '${GATEWAY.port}:${GATEWAY.port}'`);
    }
    for (const subgraph of SUBGRAPHS) {
      const variable = subgraphUrlVariable(subgraph.name);
      if (env[variable] !== routingUrl(subgraph, subgraph.name)) {
        problem(GATEWAY.name, `environment.${variable} must be ${routingUrl(subgraph, subgraph.name)}`);
      }
      if (gateway.depends_on?.[subgraph.name]?.condition !== 'service_healthy') {
        problem(GATEWAY.name, `depends_on.${subgraph.name} must be { condition: service_healthy }`);
      }
    }
    const known = new Set(SUBGRAPHS.map((s) => subgraphUrlVariable(s.name)));
    for (const variable of Object.keys(env).filter((v) => /^SUBGRAPH_.+_URL$/.test(v) && !known.has(v))) {
      problem(GATEWAY.name, `environment.${variable}: no such subgraph in shared/services.ts`);
    }
  }

  const registered = new Set<string>(SERVICES.map((s) => s.name));
  for (const [name, entry] of Object.entries(services)) {
    const runs = Array.isArray(entry.command) ? entry.command.join(' ') : '';
    if (!registered.has(name) && /dist\/(subgraphs|gateway)\//.test(runs)) {
      problem(name, 'runs a service that is not in shared/services.ts');
    }
  }
  return problems;
}

/** What prisma/schema/schema.prisma and the domain files miss about the subgraphs' schemas. */
export function checkPrismaSchemas(schemaPrisma: string, domainFileExists: (schema: string) => boolean): string[] {
  const listed = /schemas\s*=\s*\[([^\]]*)\]/.exec(schemaPrisma)?.[1]?.match(/"[^"]+"/g) ?? [];
  const schemas = new Set(listed.map((quoted) => quoted.slice(1, -1)));
  return SUBGRAPHS.flatMap((s) => {
    if (!s.dbSchema) return [];
    const problems: string[] = [];
    if (!schemas.has(s.dbSchema)) {
      problems.push(`prisma/schema/schema.prisma: add "${s.dbSchema}" to \`schemas\` (${s.name}'s schema)`);
    }
    if (!domainFileExists(s.dbSchema))
      problems.push(`prisma/schema/${s.dbSchema}.prisma: missing (${s.name}'s models)`);
    return problems;
  });
}

function checkAll(): string[] {
  const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
  const exists = (file: string) => existsSync(path.join(ROOT, file));
  const problems: string[] = [];
  if (!exists('rover.yaml') || read('rover.yaml') !== renderRoverConfig()) {
    problems.push('rover.yaml: not what the registry renders (run `npm run compose`)');
  }
  problems.push(...checkDockerCompose(read('docker-compose.yml')));
  problems.push(
    ...checkPrismaSchemas(read('prisma/schema/schema.prisma'), (schema) => exists(`prisma/schema/${schema}.prisma`)),
  );
  for (const service of SERVICES) {
    if (!exists(service.entry)) problems.push(`${service.entry}: missing (${service.name}'s entry)`);
  }
  for (const subgraph of SUBGRAPHS) {
    if (!exists(`schema/${subgraph.name}.graphql`)) problems.push(`schema/${subgraph.name}.graphql: missing (its SDL)`);
  }
  return problems;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] !== '--check') {
    console.error('usage: tsx scripts/services.ts --check');
    process.exitCode = 2;
  } else {
    const problems = checkAll();
    for (const line of problems) console.error(line);
    console.log(
      problems.length
        ? `${problems.length} disagreement(s) with shared/services.ts`
        : 'rover.yaml, docker-compose.yml and the Prisma schemas agree with shared/services.ts',
    );
    process.exitCode = problems.length ? 1 : 0;
  }
}
