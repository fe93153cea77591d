/**
 * Business-hours arithmetic and SLA clocks. Pure: no I/O, no ambient clock (`now` is always
 * passed in), so it is tested with fixed instants.
 *
 * A calendar is a weekly schedule of opening intervals in a time zone's wall-clock time.
 * Daylight-saving transitions are honoured: each day's intervals are converted to instants
 * with that day's offset.
 */

/** Minutes since local midnight, `[start, end)`, start < end <= 1440. */
export type Interval = [start: number, end: number];

export interface BusinessCalendar {
  /** IANA time zone, e.g. `Europe/Madrid`. */
  timeZone: string;
  /** Index 0 = Sunday ... 6 = Saturday, as `Date#getUTCDay`. */
  week: Interval[][];
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_MS = 86_400_000;
/** Far enough for any SLA target; stops a loop should a calendar somehow have no hours. */
const MAX_DAYS = 3_660;

/**
 * Parses a schedule such as `mon-fri 09:00-18:00; sat 10:00-14:00` (ranges may repeat:
 * `mon 09:00-13:00 15:00-19:00`). Throws a message naming what is wrong.
 */
export function parseCalendar(spec: string, timeZone: string): BusinessCalendar {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`unknown time zone "${timeZone}"`);
  }
  const week: Interval[][] = DAYS.map(() => []);
  for (const part of spec
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [dayspec, ...ranges] = part.split(/\s+/);
    const days = parseDays(dayspec!);
    if (ranges.length === 0) throw new Error(`"${part}" has no hours`);
    for (const range of ranges) {
      const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(range);
      const start = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      const end = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
      if (!(start >= 0 && end <= 1440 && start < end)) throw new Error(`"${range}" is not a range such as 09:00-18:00`);
      for (const d of days) week[d]!.push([start, end]);
    }
  }
  for (const intervals of week) {
    intervals.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++) {
      if (intervals[i]![0] < intervals[i - 1]![1]) throw new Error('ranges of one day overlap');
    }
  }
  if (week.every((d) => d.length === 0)) throw new Error('the schedule has no business hours');
  return { timeZone, week };
}

function parseDays(spec: string): number[] {
  const index = (name: string) => {
    const i = DAYS.indexOf(name.toLowerCase() as (typeof DAYS)[number]);
    if (i < 0) throw new Error(`"${name}" is not a day (sun, mon, ... sat)`);
    return i;
  };
  const [from, to] = spec.split('-');
  if (to === undefined) return [index(from!)];
  const days: number[] = [];
  for (let d = index(from!); ; d = (d + 1) % 7) {
    days.push(d);
    if (d === index(to)) return days;
  }
}

/** Wall-clock parts of an instant in a time zone. */
function localParts(instant: number, timeZone: string): { y: number; m: number; d: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get('year'), m: get('month'), d: get('day'), minutes: get('hour') * 60 + get('minute') };
}

/** The instant at which the wall clock of `timeZone` reads the given local date and minute. */
function zonedInstant(y: number, m: number, d: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  // Offset at a guess, then again at the corrected instant (they differ across a DST change).
  const offsetAt = (instant: number) => {
    const p = localParts(instant, timeZone);
    return Date.UTC(p.y, p.m - 1, p.d) + p.minutes * 60_000 - Math.floor(instant / 60_000) * 60_000;
  };
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

/** Business intervals (instants) of each local day from the day of `from` on, lazily. */
function* businessIntervals(cal: BusinessCalendar, from: number): Generator<[number, number]> {
  const start = localParts(from, cal.timeZone);
  const day0 = Date.UTC(start.y, start.m - 1, start.d);
  for (let i = 0; i < MAX_DAYS; i++) {
    const date = new Date(day0 + i * DAY_MS);
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    for (const [s, e] of cal.week[date.getUTCDay()]!) {
      yield [
        zonedInstant(y, m, d, s, cal.timeZone),
        e === 1440 ? zonedInstant(y, m, d + 1, 0, cal.timeZone) : zonedInstant(y, m, d, e, cal.timeZone),
      ];
    }
  }
}

/** Business milliseconds in `[from, to)`; 0 when `to <= from`. */
export function businessMsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const [a, b] = [from.getTime(), to.getTime()];
  let total = 0;
  if (b <= a) return 0;
  for (const [s, e] of businessIntervals(cal, a)) {
    if (s >= b) break;
    total += Math.max(0, Math.min(e, b) - Math.max(s, a));
  }
  return total;
}

/** The instant `ms` business milliseconds after `from` (`from` itself, or the next opening, for 0). */
export function addBusinessMs(cal: BusinessCalendar, from: Date, ms: number): Date {
  const a = from.getTime();
  let left = ms;
  for (const [s, e] of businessIntervals(cal, a)) {
    if (e <= a) continue;
    const start = Math.max(s, a);
    if (left <= e - start) return new Date(start + left);
    left -= e - start;
  }
  throw new Error('business calendar has no hours within ten years');
}

/** A pause of the SLA clocks (PENDING or ON_HOLD); `to` null while it lasts. */
export interface Pause {
  from: Date;
  to: Date | null;
}

export interface SlaTargets {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface SlaClock {
  /** When the target falls (or fell) due; null while paused, since the pause moves it. */
  dueAt: Date | null;
  /** Business seconds left (negative once overdue); when stopped, what was left at the stop. */
  remainingSeconds: number;
  breached: boolean;
  /** When the clock stopped (first response, or resolution); null while running. */
  stoppedAt: Date | null;
}

export interface SlaState {
  firstResponse: SlaClock;
  resolution: SlaClock;
  paused: boolean;
  /** The due time that matters next (first response until answered, then resolution). */
  nextDueAt: Date | null;
  breached: boolean;
}

/** Business ms of `[start, end)` not covered by a pause. */
function activeMs(cal: BusinessCalendar, start: Date, end: Date, pauses: Pause[]): number {
  let ms = businessMsBetween(cal, start, end);
  for (const p of pauses) {
    const from = new Date(Math.max(p.from.getTime(), start.getTime()));
    const to = new Date(Math.min((p.to ?? end).getTime(), end.getTime()));
    ms -= businessMsBetween(cal, from, to);
  }
  return ms;
}

function clock(
  cal: BusinessCalendar,
  start: Date,
  targetMinutes: number,
  stoppedAt: Date | null,
  pauses: Pause[],
  now: Date,
): SlaClock {
  const targetMs = targetMinutes * 60_000;
  const remainingMs = targetMs - activeMs(cal, start, stoppedAt ?? now, pauses);
  const relevant = pauses
    .filter((p) => !stoppedAt || p.from < stoppedAt)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  let dueAt: Date | null = null;
  if (!relevant.some((p) => p.to === null)) {
    // Each pause that began before the due time pushes it back by the pause's business time.
    dueAt = addBusinessMs(cal, start, targetMs);
    for (const p of relevant)
      if (p.from < dueAt) dueAt = addBusinessMs(cal, dueAt, businessMsBetween(cal, p.from, p.to!));
  }
  return { dueAt, remainingSeconds: Math.trunc(remainingMs / 1000), breached: remainingMs < 0, stoppedAt };
}

/**
 * The SLA of a ticket at `now`: both clocks start at creation, count only business time
 * outside pauses, and stop at the first response and at resolution respectively.
 */
export function slaState(
  cal: BusinessCalendar,
  ticket: { createdAt: Date; firstResponseAt: Date | null; resolvedAt: Date | null; pauses: Pause[] },
  targets: SlaTargets,
  now: Date,
): SlaState {
  const firstResponse = clock(
    cal,
    ticket.createdAt,
    targets.firstResponseMinutes,
    ticket.firstResponseAt ?? ticket.resolvedAt,
    ticket.pauses,
    now,
  );
  const resolution = clock(cal, ticket.createdAt, targets.resolutionMinutes, ticket.resolvedAt, ticket.pauses, now);
  const paused = ticket.pauses.some((p) => p.to === null);
  return {
    firstResponse,
    resolution,
    paused,
    nextDueAt: resolution.stoppedAt ? null : firstResponse.stoppedAt ? resolution.dueAt : firstResponse.dueAt,
    breached: firstResponse.breached || resolution.breached,
  };
}
