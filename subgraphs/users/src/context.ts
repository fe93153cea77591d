import type { RequestContext } from '../../../shared/subgraph';
import type { AccountMailService } from './domain/account-mail-service';
import type { AuthService } from './domain/auth-service';
import type { UserService } from './domain/user-service';
import type { Loaders } from './loaders';

/** The context of one request to the users subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  auth: AuthService;
  users: UserService;
  accountMail: AccountMailService;
  /**
   * Set by register, login and refreshSession once they succeed: the request came in anonymous,
   * but the payload's `user` is now the caller's own and may show its private fields.
   */
  signedInUserId?: string;
}
