import { checkDatabase, type Pool } from '../../shared/pg';
import type { Logger } from '../../shared/logger';
import { healthUrlOf, type SubgraphEndpoint } from './subgraphs';

const SUBGRAPH_HEALTH_TIMEOUT_MS = 2000;

export interface Readiness {
  ready: boolean;
  /**
   * One entry per dependency: `database` and `subgraph:<name>`. Only names and verdicts: no
   * URLs (they may embed credentials) and no error text; the details go to the log.
   */
  checks: Record<string, 'ok' | 'failed'>;
}

/**
 * Checks, in parallel, that Postgres answers and that every subgraph answers its `/health`.
 * Resolves in about `SUBGRAPH_HEALTH_TIMEOUT_MS` (or the database connect timeout) at worst.
 */
export function readinessCheck(deps: { pool: Pool; subgraphs: SubgraphEndpoint[]; logger: Logger }) {
  const probes: Array<[string, () => Promise<void>]> = [
    ['database', () => checkDatabase(deps.pool)],
    ...deps.subgraphs.map((s): [string, () => Promise<void>] => [
      `subgraph:${s.name}`,
      async () => {
        const response = await fetch(healthUrlOf(s.url), { signal: AbortSignal.timeout(SUBGRAPH_HEALTH_TIMEOUT_MS) });
        // Drain the body so the connection can be reused.
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`health answered ${response.status}`);
      },
    ]),
  ];

  return async (): Promise<Readiness> => {
    const results = await Promise.all(
      probes.map(async ([name, probe]) => {
        try {
          await probe();
          return [name, 'ok'] as const;
        } catch (err) {
          deps.logger.warn('dependency not ready', { dependency: name, error: (err as Error).message });
          return [name, 'failed'] as const;
        }
      }),
    );
    return { ready: results.every(([, verdict]) => verdict === 'ok'), checks: Object.fromEntries(results) };
  };
}
