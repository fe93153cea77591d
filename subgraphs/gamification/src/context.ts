import type { RequestContext } from '../../../shared/subgraph';
import type { AdminService } from './domain/admin-service';
import type { CatalogService } from './domain/catalog-service';
import type { ChallengeService } from './domain/challenge-service';
import type { LeaderboardService } from './domain/leaderboard-service';
import type { ReceiptService } from './domain/receipts/receipt-service';
import type { RewardService } from './domain/reward-service';
import type { StandingService } from './domain/standing-service';
import type { Loaders } from './loaders';

/** The context of one request to the gamification subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  standing: StandingService;
  leaderboards: LeaderboardService;
  rewards: RewardService;
  catalog: CatalogService;
  admin: AdminService;
  challenges: ChallengeService;
  receipts: ReceiptService;
}
