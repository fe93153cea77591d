import { rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, isAdmin, isAuthenticated } from '../../../shared/auth/rules';
import type { EntityRef } from '../../../shared/entities';
import { forbidden } from '../../../shared/errors';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import { ownsFeed } from './domain/access';

/** The user whose feed or preferences are read is the viewer. */
const isOwner = rule({ cache: 'strict' })(
  (user: EntityRef, _args, ctx: Context) =>
    ownsFeed(ctx.viewer, user.id) || forbidden('Only the user may read their notifications'),
);

/** Deny by default (the fallback rule). */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    notificationDeliveries: isAdmin,
  },
  Mutation: {
    markNotificationsRead: isAuthenticated,
    setNotificationPreferences: isAuthenticated,
    unsubscribe: allow, // the token is the credential (a link in a mail)
    retryNotification: isAdmin,
  },
  Subscription: {
    notificationAdded: isAuthenticated,
  },
  User: {
    id: allow,
    notifications: isOwner,
    notificationPreferences: isOwner,
  },
  // Reached only through the guarded fields above.
  Notification: allow,
  NotificationConnection: allow,
  NotificationEdge: allow,
  NotificationPreferences: allow,
  NotificationDelivery: allow,
  NotificationDeliveryAttempt: allow,
  NotificationDeliveryConnection: allow,
  NotificationDeliveryEdge: allow,
  PageInfo: allow,
  _Service: allow,
};

/** `_entities`: a user resolves to its id; each field is guarded above. */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  User: () => true,
};
