import { createHash, randomBytes } from 'node:crypto';
import type { SigningKey } from '../../../../shared/auth/keys';
import { signAccessToken, type TokenSettings } from '../../../../shared/auth/tokens';
import { inTransaction, type Db, type Tx } from '../../../../shared/db';
import { badInput, conflict, rateLimited, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import type { WindowCounter } from '../../../../shared/rate-limits';
import * as sessions from '../data/sessions';
import * as users from '../data/users';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { announceUser } from './events';
import * as valid from './validation';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_LOGIN_FAILURES = 5;
/**
 * Limits across accounts and addresses (fixed windows of LOGIN_WINDOW_MS): failures from one
 * address whatever the email (password spraying), failures on one account whatever the address
 * (a distributed guess of one password; set higher, so a victim's own attempts rarely meet it),
 * and new accounts per address per hour. From the config (LOGIN_FAILURES_PER_ADDRESS...).
 */
export interface LoginLimits {
  failuresPerAddress: number;
  failuresPerAccount: number;
  registrationsPerAddressHour: number;
}
const LOGIN_WINDOW_SECONDS = LOGIN_WINDOW_MS / 1000;
const REGISTRATION_WINDOW_SECONDS = 3600;
const LOGIN_FAILED = 'Invalid email or password';
const REFRESH_REFUSED = 'Invalid or expired refresh token';

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: users.User;
}

export interface AuthServiceDeps {
  db: Db;
  signingKey: SigningKey;
  tokens: TokenSettings;
  now?: () => Date;
  /** Counts failed logins and registrations across accounts and addresses. */
  counter: WindowCounter;
  limits: LoginLimits;
  /** Runs in registration's transaction once the user exists: asks for the verification mail. */
  onRegistered?: (tx: Tx, user: users.User) => Promise<void>;
}

/** Seconds until the fixed window containing `now` closes (at least 1). */
const secondsLeft = (now: Date, windowSeconds: number) =>
  Math.max(1, windowSeconds - (Math.floor(now.getTime() / 1000) % windowSeconds));

/** Refresh tokens are random; only their SHA-256 is stored, so a database leak yields none. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newRefreshToken = () => randomBytes(32).toString('base64url');

/**
 * Accounts and sessions: registration, login with throttling, refresh-token rotation with
 * reuse detection, logout and password changes. Registration announces the new user with
 * `UserChanged` in its transaction.
 */
export class AuthService {
  private readonly now: () => Date;

  constructor(private readonly deps: AuthServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async register(ctx: RequestContext, input: { email: string; password: string; name: string }): Promise<AuthResult> {
    const email = valid.email('input.email', input.email);
    const password = valid.password('input.password', input.password);
    const name = valid.text('input.name', input.name, { min: 1, max: 120 });
    const now = this.now();
    const registrations = await this.deps.counter.hit(`register:ip:${ctx.clientIp}`, REGISTRATION_WINDOW_SECONDS, now);
    if (registrations > this.deps.limits.registrationsPerAddressHour) {
      throw rateLimited(
        'Too many new accounts from this address; try again later',
        secondsLeft(now, REGISTRATION_WINDOW_SECONDS),
      );
    }
    const passwordHash = await hashPassword(password);
    return inTransaction(this.deps.db, async (tx) => {
      let user: users.User;
      try {
        user = await users.createUser(tx, { email, name, passwordHash });
      } catch (err) {
        if (err instanceof users.EmailTakenError) {
          throw conflict('An account with this email already exists', 'input.email');
        }
        throw err;
      }
      await announceUser(tx, user);
      await this.deps.onRegistered?.(tx, user);
      return this.openSession(tx, user, ctx.clientIp);
    });
  }

  async login(ctx: RequestContext, input: { email: string; password: string }): Promise<AuthResult> {
    // Bounded before anything is read or recorded (the failure record holds 254 characters);
    // no account has a longer email or password, so refusing reveals nothing.
    const email = input.email.trim().toLowerCase();
    if (email.length > valid.MAX_EMAIL_LENGTH) throw badInput('input.email', 'Enter a valid email address');
    if (input.password.length > valid.MAX_PASSWORD_LENGTH) {
      throw badInput('input.password', `Password must be at most ${valid.MAX_PASSWORD_LENGTH} characters`);
    }
    const now = this.now();
    const failures = await sessions.recentLoginFailures(
      this.deps.db,
      email,
      ctx.clientIp,
      new Date(now.getTime() - LOGIN_WINDOW_MS),
    );
    if (failures.length >= MAX_LOGIN_FAILURES) {
      // The window slides: it opens again when the oldest counted failure leaves it.
      const opensAt = failures[failures.length - MAX_LOGIN_FAILURES]!.getTime() + LOGIN_WINDOW_MS;
      throw rateLimited(
        'Too many failed logins; try again later',
        Math.max(1, Math.ceil((opensAt - now.getTime()) / 1000)),
      );
    }
    const byAddress = `login:ip:${ctx.clientIp}`;
    const byAccount = `login:email:${email}`;
    const { counter } = this.deps;
    const [addressFailures, accountFailures] = await Promise.all([
      counter.peek(byAddress, LOGIN_WINDOW_SECONDS, now),
      counter.peek(byAccount, LOGIN_WINDOW_SECONDS, now),
    ]);
    if (
      addressFailures >= this.deps.limits.failuresPerAddress ||
      accountFailures >= this.deps.limits.failuresPerAccount
    ) {
      throw rateLimited('Too many failed logins; try again later', secondsLeft(now, LOGIN_WINDOW_SECONDS));
    }
    const user = await users.findUserByEmail(this.deps.db, email);
    // Verify against a dummy hash for unknown emails, so timing does not reveal which exist.
    const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !passwordOk || user.status !== 'ACTIVE') {
      await Promise.all([
        sessions.recordLoginFailure(this.deps.db, email, ctx.clientIp, now),
        counter.hit(byAddress, LOGIN_WINDOW_SECONDS, now),
        counter.hit(byAccount, LOGIN_WINDOW_SECONDS, now),
      ]);
      throw unauthenticated(LOGIN_FAILED);
    }
    return inTransaction(this.deps.db, (tx) => this.openSession(tx, user, ctx.clientIp));
  }

  /**
   * Rotates a refresh token. A token presented twice means it leaked (or a client raced
   * itself): the whole session is revoked, so both holders must sign in again.
   */
  async refresh(_ctx: RequestContext, refreshToken: string): Promise<AuthResult> {
    const now = this.now();
    const outcome = await inTransaction(this.deps.db, async (tx) => {
      const stored = await sessions.findRefreshToken(tx, hashToken(refreshToken));
      if (!stored) return 'refused' as const;
      const { session } = stored;
      if (session.revokedAt || session.expiresAt <= now || session.user.status !== 'ACTIVE') return 'refused' as const;
      if (stored.usedAt || !(await sessions.markRefreshTokenUsed(tx, stored.id, now))) {
        await sessions.revokeSession(tx, session.id, 'refresh_token_reuse', now);
        return 'refused' as const;
      }
      const user = await users.findUserById(tx, session.user.id);
      return this.issueTokens(tx, user!, session.id);
    });
    if (outcome === 'refused') throw unauthenticated(REFRESH_REFUSED);
    return outcome;
  }

  /** Ends the session of a refresh token. Unknown or spent tokens are fine: the result is the same. */
  async logout(_ctx: RequestContext, refreshToken: string): Promise<boolean> {
    const stored = await sessions.findRefreshToken(this.deps.db, hashToken(refreshToken));
    if (stored) await sessions.revokeSession(this.deps.db, stored.session.id, 'logout', this.now());
    return true;
  }

  async changePassword(ctx: RequestContext, input: { currentPassword: string; newPassword: string }): Promise<boolean> {
    const viewer = ctx.viewer;
    if (!viewer) throw unauthenticated();
    const newPassword = valid.password('input.newPassword', input.newPassword);
    const user = await users.findUserById(this.deps.db, viewer.userId);
    if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
      throw badInput('input.currentPassword', 'Current password is incorrect');
    }
    const passwordHash = await hashPassword(newPassword);
    await inTransaction(this.deps.db, async (tx) => {
      // Versioned like every change of a user, though the password is nobody else's business.
      await users.updateUserVersioned(tx, user.id, { passwordHash }, this.now());
      await sessions.revokeUserSessions(tx, user.id, 'password_changed', this.now(), viewer.sessionId);
    });
    return true;
  }

  private async openSession(tx: Tx, user: users.User, ip: string) {
    const session = await sessions.createSession(tx, {
      userId: user.id,
      expiresAt: new Date(this.now().getTime() + SESSION_TTL_MS),
      ip,
    });
    return this.issueTokens(tx, user, session.id);
  }

  private async issueTokens(tx: Tx, user: users.User, sessionId: string): Promise<AuthResult> {
    const refreshToken = newRefreshToken();
    await sessions.createRefreshToken(tx, sessionId, hashToken(refreshToken));
    const access = signAccessToken(this.deps.signingKey, this.deps.tokens, { userId: user.id, sessionId }, this.now());
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }
}
