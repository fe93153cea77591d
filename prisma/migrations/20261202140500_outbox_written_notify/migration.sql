-- Relays wake on this notification instead of polling (shared/events/wakeups.ts): every insert
-- into the outbox (the seed's too) announces itself, with no extra round trip per event.
-- Postgres sends it at commit (not on rollback), and folds the identical notifications of one
-- transaction into one. A rule rather than a trigger: a rule's action may be a NOTIFY, and it
-- needs no function body (the migration runner splits scripts at every semicolon).
CREATE RULE "outbox_written" AS ON INSERT TO "events"."outbox" DO ALSO NOTIFY events_outbox_written;
