import type { Db } from '../../../../shared/db';
import type { RequestContext } from '../../../../shared/subgraph';
import { listBadges, listLevels, listRules, type Badge, type EarningRule, type Level } from '../data/catalog';
import { seesEverything } from './access';

/** Reading what ADMIN defined: levels and badges for everyone, every rule and disabled badge for ADMIN. */
export class CatalogService {
  constructor(private readonly deps: { db: Db }) {}

  levels(): Promise<Level[]> {
    return listLevels(this.deps.db);
  }

  badges(ctx: RequestContext): Promise<Badge[]> {
    return listBadges(this.deps.db, !seesEverything(ctx.viewer));
  }

  /** Shield lets only ADMIN ask. */
  rules(): Promise<EarningRule[]> {
    return listRules(this.deps.db);
  }
}
