/**
 * The consumers of other domains' events in the users subgraph: none. Users is the source of
 * identity; it announces `UserChanged` (domain/events.ts) and learns nothing from the others.
 * A handler added here is started by workers.ts, like every subgraph's.
 */
export {};
