import type { RequestContext } from '../../../shared/subgraph';
import type { AuthService } from './domain/auth-service';
import type { UserService } from './domain/user-service';
import type { Loaders } from './loaders';

/** The context of one request to the users subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  auth: AuthService;
  users: UserService;
}
