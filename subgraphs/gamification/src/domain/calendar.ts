/**
 * Local calendar arithmetic in an IANA time zone, DST-correct: an instant's local date comes
 * from `Intl`, and a local midnight's instant is found by correcting a UTC guess with the
 * zone's offset at that moment (twice, for the days a DST change moves the offset).
 *
 * Local dates travel as `Date`s at UTC midnight (what Postgres `date` columns map to).
 */
export type Period = 'DAY' | 'WEEK' | 'MONTH' | 'SEASON' | 'ALL_TIME';
export const PERIODS: readonly Period[] = ['DAY', 'WEEK', 'MONTH', 'SEASON', 'ALL_TIME'];
/** Where ALL_TIME "starts": one row per user for the whole history. */
export const ALL_TIME_START = new Date(Date.UTC(1970, 0, 1));

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(instant: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The local date of `instant` in `timeZone`. */
export function localDay(instant: Date, timeZone: string): Date {
  const p = parts(instant, timeZone);
  return new Date(Date.UTC(p.year!, p.month! - 1, p.day));
}

/** The zone's offset from UTC at `instant`, in ms. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant local midnight of `day` begins in `timeZone`. */
export function startOfLocalDay(day: Date, timeZone: string): Date {
  let guess = day.getTime() - offsetAt(day, timeZone);
  guess = day.getTime() - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

const addDays = (day: Date, n: number) => new Date(day.getTime() + n * 86_400_000);

/** The first local day of the period holding `day` (weeks start on Monday, seasons are quarters). */
export function periodStart(period: Period, day: Date): Date {
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth();
  switch (period) {
    case 'DAY':
      return day;
    case 'WEEK':
      return addDays(day, -((day.getUTCDay() + 6) % 7));
    case 'MONTH':
      return new Date(Date.UTC(y, m, 1));
    case 'SEASON':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'ALL_TIME':
      return ALL_TIME_START;
  }
}

/** The first local day after the period that starts on `start`. */
function periodEnd(period: Exclude<Period, 'ALL_TIME'>, start: Date): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  if (period === 'DAY') return addDays(start, 1);
  if (period === 'WEEK') return addDays(start, 7);
  return new Date(Date.UTC(y, m + (period === 'MONTH' ? 1 : 3), 1));
}

/** The window of `period` holding `instant`: its first local day, and its instants (null for ALL_TIME). */
export function periodWindow(
  period: Period,
  instant: Date,
  timeZone: string,
): { start: Date; startsAt: Date | null; endsAt: Date | null } {
  const start = periodStart(period, localDay(instant, timeZone));
  if (period === 'ALL_TIME') return { start, startsAt: null, endsAt: null };
  return {
    start,
    startsAt: startOfLocalDay(start, timeZone),
    endsAt: startOfLocalDay(periodEnd(period, start), timeZone),
  };
}

/** `day` minus `n` days. */
export const daysBefore = (day: Date, n: number): Date => addDays(day, -n);
/** The Monday of `day`'s week. */
export const weekOf = (day: Date): Date => periodStart('WEEK', day);
