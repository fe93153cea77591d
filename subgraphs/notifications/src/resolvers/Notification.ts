import type { NotificationResolvers } from '../__generated__/resolvers-types';

/** A feed item is a notification row: its template, subject and summary. */
export const Notification: NotificationResolvers = {
  kind: (n) => n.template,
  title: (n) => n.subject,
  body: (n) => n.summary,
};
