/**
 * Periods of reports: granularities, the quarter-hour grid of the read model, and local labels.
 * The grouping itself happens in SQL (data/queries.ts); this module checks what a query asks
 * for and names the periods it gets back.
 */
import { badInput } from '../../../../shared/errors';
import type { Unit } from '../data/queries';

export type Granularity = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';

export const UNIT: Record<Granularity, Unit> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' };

/** The read model's grain: every UTC offset in use is a whole number of quarter-hours. */
export const QUARTER_HOUR_MS = 15 * 60_000;

/** The quarter-hour an instant falls in. */
export const quarterHour = (at: Date): Date => new Date(Math.floor(at.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);

/** The most periods one report may have (a year by day is 366; by hour, a month or so). */
export const MAX_PERIODS = 2000;
const SHORTEST_MS: Record<Granularity, number> = {
  HOUR: 3_600_000,
  DAY: 23 * 3_600_000,
  WEEK: 7 * 86_400_000 - 3_600_000,
  MONTH: 28 * 86_400_000 - 3_600_000,
};

/** [from, to) on the quarter-hour grid, checked: `to` after `from`, at most MAX_PERIODS periods. */
export function reportRange(field: string, from: Date, to: Date, granularity: Granularity): { from: Date; to: Date } {
  if (to.getTime() <= from.getTime()) throw badInput(`${field}.to`, `${field}.to must be after ${field}.from`);
  if ((to.getTime() - from.getTime()) / SHORTEST_MS[granularity] > MAX_PERIODS)
    throw badInput(
      `${field}.to`,
      `A report has at most ${MAX_PERIODS} periods: shorten the range or use a longer granularity`,
    );
  return { from: quarterHour(from), to: new Date(Math.ceil(to.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS) };
}

/** The longest period a ranking may cover (`from` to `to`): a year, leap day included. */
export const MAX_RANKING_DAYS = 366;

/**
 * The period of a ranking, checked: none (all time) when neither bound is given; `to` alone
 * needs `from`; `from` alone runs until `now`. `from` is rounded down and `to` up to the
 * quarter-hour grid; `to` must be after `from`, at most MAX_RANKING_DAYS later. `prefix`: the
 * input argument the bounds are fields of (`filter`), which bad input names.
 */
export function rankingRange(
  from: Date | null | undefined,
  to: Date | null | undefined,
  now: Date,
  prefix = '',
): { from: Date; to: Date } | undefined {
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (!from) {
    if (to) throw badInput(at('from'), `${at('from')} is required with ${at('to')}`);
    return undefined;
  }
  const end = to ?? now;
  const field = at(to ? 'to' : 'from');
  if (end.getTime() <= from.getTime()) throw badInput(field, `${to ? at('to') : 'now'} must be after ${at('from')}`);
  if (end.getTime() - from.getTime() > MAX_RANKING_DAYS * 86_400_000)
    throw badInput(field, `At most ${MAX_RANKING_DAYS} days from ${at('from')} to ${at('to')}`);
  return { from: quarterHour(from), to: new Date(Math.ceil(end.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS) };
}

interface LocalParts {
  date: string;
  month: string;
  time: string;
  offset: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local date, month, time and UTC offset of an instant in `timeZone`. */
export function localParts(at: Date, timeZone: string): LocalParts {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', '') || '+00:00';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    month: `${get('year')}-${get('month')}`,
    time: `${get('hour')}:${get('minute')}`,
    offset,
  };
}

/** How a period starting at `start` is named: `2026-03-29`, `2026-03`, `2026-03-29T02:00+02:00`. */
export function periodLabel(start: Date, granularity: Granularity, timeZone: string): string {
  const p = localParts(start, timeZone);
  if (granularity === 'MONTH') return p.month;
  if (granularity === 'HOUR') return `${p.date}T${p.time}${p.offset}`;
  return p.date;
}
