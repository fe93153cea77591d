import type { Db } from '../../../../shared/db';
import { badInput, conflict, forbidden, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import {
  countParticipants,
  createChallenge,
  join,
  listChallenges,
  participantsOfUser,
  progressOf,
  type Challenge,
  type ChallengeGoal,
  type ChallengeStatus,
} from '../data/challenges';
import type { PointsTrigger } from '../data/activities';
import { findBadgesByIds } from '../data/catalog';
import { GamificationNotices, type GamificationRealtime } from '../realtime';
import * as valid from './validation';

export interface ChallengeInput {
  name: string;
  description?: string;
  startsAt: Date;
  endsAt: Date;
  goalKind: ChallengeGoal;
  trigger?: PointsTrigger | null;
  goal: number;
  scopeEventId?: string | null;
  scopeOrganizerId?: string | null;
  rewardPoints?: number;
  rewardBadgeId?: string | null;
}

/** What an organizer's COUNT challenge can count: their orders, their events' check-ins. */
const ORGANIZER_TRIGGERS: readonly PointsTrigger[] = ['ORDER_PAID', 'MERCHANDISE_BOUGHT', 'TICKET_CHECKED_IN'];

/** The viewer's standing in a challenge. */
export interface ChallengeProgressView {
  joined: boolean;
  /** In the challenge's scope (an organizer's buyers); only then can one join, count and win. */
  inScope: boolean;
  progress: number;
  goal: number;
  completed: boolean;
  /** Null until the challenge closes. */
  won: boolean | null;
}

/**
 * Challenges: ADMIN defines a window, a goal (points earned, or a count of a trigger, possibly
 * at one event) and a reward; users join; progress is computed from the ledger and activities
 * of the window; winners are fixed once, when the window has ended (challenge-closing.ts).
 */
export class ChallengeService {
  constructor(private readonly deps: { db: Db; realtime: GamificationRealtime; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  list(status: ChallengeStatus | null | undefined): Promise<Challenge[]> {
    return listChallenges(this.deps.db, status ?? null, this.now());
  }

  status(challenge: Challenge): ChallengeStatus {
    if (challenge.closedAt) return 'CLOSED';
    return challenge.startsAt.getTime() > this.now().getTime() ? 'UPCOMING' : 'ACTIVE';
  }

  participantCount(challenge: Challenge): Promise<number> {
    return countParticipants(this.deps.db, challenge.id);
  }

  /** Null for an anonymous viewer. */
  async progress(ctx: RequestContext, challenge: Challenge): Promise<ChallengeProgressView | null> {
    if (!ctx.viewer) return null;
    const userId = ctx.viewer.userId;
    const [participant] = await participantsOfUser(this.deps.db, userId, [challenge.id]);
    const live = (await progressOf(this.deps.db, challenge, [userId])).get(userId)!;
    // Once closed, what the close fixed (null: it found the participant outside the scope).
    const fixed = challenge.closedAt && participant ? participant.progress : undefined;
    const progress = fixed === undefined ? live.progress : (fixed ?? 0);
    return {
      joined: !!participant,
      inScope: fixed === undefined ? live.inScope : fixed !== null,
      progress,
      goal: challenge.goal,
      completed: progress >= challenge.goal,
      won: challenge.closedAt ? (participant?.won ?? false) : null,
    };
  }

  async join(ctx: RequestContext, challenge: Challenge | null, field: string): Promise<ChallengeProgressView> {
    if (!ctx.viewer) throw unauthenticated();
    if (!challenge) throw badInput(field, 'Challenge not found');
    if (challenge.closedAt || challenge.endsAt.getTime() <= this.now().getTime())
      throw conflict('This challenge has ended', field);
    if (!(await progressOf(this.deps.db, challenge, [ctx.viewer.userId])).get(ctx.viewer.userId)!.inScope)
      throw forbidden("Only buyers of this challenge's organizer can join it");
    if (await join(this.deps.db, challenge.id, ctx.viewer.userId, this.now())) {
      const notices = new GamificationNotices();
      notices.challengesChanged([challenge.id]);
      await this.deps.realtime.publish(notices);
    }
    return (await this.progress(ctx, challenge))!;
  }

  async create(input: ChallengeInput): Promise<Challenge> {
    const { from, until } = valid.window('input.startsAt', input.startsAt, 'input.endsAt', input.endsAt);
    if (input.goalKind === 'COUNT' && !input.trigger)
      throw badInput('input.trigger', 'A COUNT challenge needs a trigger');
    if (input.scopeEventId && input.goalKind !== 'COUNT')
      throw badInput('input.scopeEventId', 'Only a COUNT challenge can be limited to an event');
    if (input.scopeOrganizerId && input.scopeEventId)
      throw badInput('input.scopeOrganizerId', 'A challenge is limited to an event or to an organizer, not both');
    if (input.scopeOrganizerId && input.goalKind === 'COUNT' && !ORGANIZER_TRIGGERS.includes(input.trigger!))
      throw badInput('input.trigger', `An organizer's COUNT challenge counts ${ORGANIZER_TRIGGERS.join(', ')}`);
    const rewardBadgeId = input.rewardBadgeId ? valid.uuid('input.rewardBadgeId', input.rewardBadgeId) : null;
    if (rewardBadgeId && (await findBadgesByIds(this.deps.db, [rewardBadgeId])).length === 0)
      throw badInput('input.rewardBadgeId', 'Badge not found');
    return createChallenge(this.deps.db, {
      name: valid.text('input.name', input.name, { min: 1, max: 120 }),
      description: valid.text('input.description', input.description ?? '', { max: 1000 }),
      startsAt: from!,
      endsAt: until!,
      goalKind: input.goalKind,
      trigger: input.goalKind === 'COUNT' ? input.trigger! : null,
      goal: valid.int('input.goal', input.goal, { min: 1, max: valid.MAX_POINTS }),
      scopeEventId: input.scopeEventId ? valid.uuid('input.scopeEventId', input.scopeEventId) : null,
      scopeOrganizerId: input.scopeOrganizerId ? valid.uuid('input.scopeOrganizerId', input.scopeOrganizerId) : null,
      rewardPoints: valid.int('input.rewardPoints', input.rewardPoints ?? 0, { min: 0, max: valid.MAX_POINTS }),
      rewardBadgeId,
    });
  }
}
