/**
 * Proof of email ownership and password recovery: the verification link (`requestEmailVerification`,
 * `verifyEmail`, and one mailed at registration) and the password reset (`requestPasswordReset`,
 * `resetPassword`). Each link carries a random single-use token; users stores only its SHA-256,
 * and hands the raw token to the mail pipeline in the event that asks for the mail (see
 * docs/events.md, "Tokens in events").
 */
import { createHash, randomBytes } from 'node:crypto';
import { inTransaction, type Db, type Tx } from '../../../../shared/db';
import { badInput, rateLimited, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import * as tokens from '../data/account-tokens';
import * as sessions from '../data/sessions';
import * as users from '../data/users';
import { announceUser, requestPasswordResetMail, requestVerificationMail } from './events';
import { hashPassword } from './passwords';
import * as valid from './validation';

export const VERIFICATION_TTL_MS = 24 * 3600 * 1000;
export const RESET_TTL_MS = 30 * 60 * 1000;
/** Mail requests of one purpose: per email and per client address, in a sliding hour. */
export const MAIL_WINDOW_MS = 3600 * 1000;
export const MAX_MAILS_PER_EMAIL = 3;
export const MAX_MAILS_PER_IP = 10;
const TOKEN_REFUSED = 'Invalid or expired token';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class AccountMailService {
  private readonly now: () => Date;

  constructor(private readonly deps: { db: Db; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Stores a new verification token for the user's current email (superseding older ones) and
   * asks for the mail, in `tx`: registration calls it in its own transaction.
   */
  async issueVerification(tx: Tx, user: users.User): Promise<void> {
    const now = this.now();
    const token = await this.issue(tx, user, 'VERIFY_EMAIL', now, VERIFICATION_TTL_MS);
    await requestVerificationMail(tx, {
      user,
      token,
      expiresAt: new Date(now.getTime() + VERIFICATION_TTL_MS),
      requestedAt: now,
    });
  }

  /** Mails the signed-in user a new verification link; nothing when already verified. */
  async requestVerification(ctx: RequestContext): Promise<boolean> {
    if (!ctx.viewer) throw unauthenticated();
    const user = await users.findUserById(this.deps.db, ctx.viewer.userId);
    if (!user || user.emailVerifiedAt) return true;
    await this.throttle('VERIFY_EMAIL', user.email, ctx.clientIp);
    await inTransaction(this.deps.db, (tx) => this.issueVerification(tx, user));
    return true;
  }

  /** Marks the address the token was mailed to as verified, if it is still the account's email. */
  async verifyEmail(_ctx: RequestContext, token: string): Promise<boolean> {
    const now = this.now();
    const verified = await inTransaction(this.deps.db, async (tx) => {
      const spent = await tokens.spendToken(tx, hashToken(token), 'VERIFY_EMAIL', now);
      if (!spent) return false;
      const user = await users.findUserById(tx, spent.userId);
      if (!user || user.email !== spent.email) return false;
      if (!user.emailVerifiedAt) {
        const updated = await users.updateUserVersioned(tx, user.id, { emailVerifiedAt: now }, now);
        await announceUser(tx, updated!);
      }
      return true;
    });
    if (!verified) throw badInput('token', TOKEN_REFUSED);
    return true;
  }

  /**
   * Mails a reset link if an active account has this email. The answer is the same for every
   * email, known or not, and so is the throttle: requests are counted per email and address
   * whether or not the account exists, so `RATE_LIMITED` reveals nothing either.
   */
  async requestPasswordReset(ctx: RequestContext, rawEmail: string): Promise<boolean> {
    const email = valid.email('email', rawEmail);
    await this.throttle('RESET_PASSWORD', email, ctx.clientIp);
    const user = await users.findUserByEmail(this.deps.db, email);
    if (!user || user.status !== 'ACTIVE') return true;
    const now = this.now();
    await inTransaction(this.deps.db, async (tx) => {
      const token = await this.issue(tx, user, 'RESET_PASSWORD', now, RESET_TTL_MS);
      await requestPasswordResetMail(tx, {
        user,
        token,
        expiresAt: new Date(now.getTime() + RESET_TTL_MS),
        requestedAt: now,
      });
    });
    return true;
  }

  /**
   * Sets a new password with a reset token: the token works once and before it expires; every
   * session of the user ends (whoever knew the old password is signed out everywhere). The link
   * reached the account's mailbox, so it also proves the email.
   */
  async resetPassword(_ctx: RequestContext, token: string, newPassword: string): Promise<boolean> {
    const password = valid.password('newPassword', newPassword);
    const passwordHash = await hashPassword(password);
    const now = this.now();
    const reset = await inTransaction(this.deps.db, async (tx) => {
      const spent = await tokens.spendToken(tx, hashToken(token), 'RESET_PASSWORD', now);
      if (!spent) return false;
      const user = await users.findUserById(tx, spent.userId);
      if (!user || user.status !== 'ACTIVE' || user.email !== spent.email) return false;
      const verifies = !user.emailVerifiedAt;
      const updated = await users.updateUserVersioned(
        tx,
        user.id,
        { passwordHash, ...(verifies ? { emailVerifiedAt: now } : {}) },
        now,
      );
      await tokens.spendUserTokens(tx, user.id, 'RESET_PASSWORD', now);
      await sessions.revokeUserSessions(tx, user.id, 'password_reset', now);
      if (verifies) await announceUser(tx, updated!);
      return true;
    });
    if (!reset) throw badInput('token', TOKEN_REFUSED);
    return true;
  }

  private async issue(
    tx: Tx,
    user: users.User,
    purpose: tokens.AccountTokenPurpose,
    now: Date,
    ttlMs: number,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await tokens.spendUserTokens(tx, user.id, purpose, now);
    await tokens.createAccountToken(tx, {
      userId: user.id,
      purpose,
      email: user.email,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + ttlMs),
    });
    return token;
  }

  /** Counts this request and refuses it past the limits, per email and per client address. */
  private async throttle(purpose: tokens.AccountTokenPurpose, email: string, ip: string): Promise<void> {
    const now = this.now();
    const since = new Date(now.getTime() - MAIL_WINDOW_MS);
    const { byEmail, byIp } = await tokens.countMailRequests(this.deps.db, purpose, email, ip, since);
    if (byEmail >= MAX_MAILS_PER_EMAIL || byIp >= MAX_MAILS_PER_IP) {
      throw rateLimited('Too many requests; try again later', Math.ceil(MAIL_WINDOW_MS / 1000));
    }
    await tokens.recordMailRequest(this.deps.db, { purpose, email, ip, createdAt: now });
  }
}
