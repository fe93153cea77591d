import { addBusinessMs, businessMsBetween, parseCalendar, slaState } from '../src/domain/business-hours';

/** Madrid, Monday to Friday 09:00-18:00 (CET = UTC+1 in January; CEST = UTC+2 from 29 March 2026). */
const cal = parseCalendar('mon-fri 09:00-18:00', 'Europe/Madrid');
const at = (iso: string) => new Date(iso);
const H = 3_600_000;

describe('business hours', () => {
  test('counts only opening hours, in the calendar time zone', () => {
    // Monday 2026-01-05 08:00Z = 09:00 Madrid: a full day is 9 hours.
    expect(businessMsBetween(cal, at('2026-01-05T08:00:00Z'), at('2026-01-05T17:00:00Z'))).toBe(9 * H);
    // Before opening and after closing count nothing.
    expect(businessMsBetween(cal, at('2026-01-05T05:00:00Z'), at('2026-01-05T08:00:00Z'))).toBe(0);
    expect(businessMsBetween(cal, at('2026-01-05T17:00:00Z'), at('2026-01-05T22:00:00Z'))).toBe(0);
  });

  test('skips weekends', () => {
    // Friday 16:00 Madrid to Monday 11:00 Madrid: 2 h + 2 h.
    expect(businessMsBetween(cal, at('2026-01-09T15:00:00Z'), at('2026-01-12T10:00:00Z'))).toBe(4 * H);
    // Friday 16:00 + 4 business hours = Monday 11:00 Madrid.
    expect(addBusinessMs(cal, at('2026-01-09T15:00:00Z'), 4 * H)).toEqual(at('2026-01-12T10:00:00Z'));
    // Starting on Saturday: the clock starts on Monday's opening.
    expect(addBusinessMs(cal, at('2026-01-10T12:00:00Z'), 1 * H)).toEqual(at('2026-01-12T09:00:00Z'));
  });

  test('follows daylight saving time', () => {
    // Monday 30 March 2026 is CEST (UTC+2): opening is 07:00Z.
    expect(addBusinessMs(cal, at('2026-03-28T12:00:00Z'), 0)).toEqual(at('2026-03-30T07:00:00Z'));
  });

  test('parses split days and rejects bad schedules', () => {
    const split = parseCalendar('mon-fri 09:00-13:00 15:00-19:00; sat 10:00-14:00', 'UTC');
    expect(businessMsBetween(split, at('2026-01-05T00:00:00Z'), at('2026-01-06T00:00:00Z'))).toBe(8 * H);
    expect(businessMsBetween(split, at('2026-01-10T00:00:00Z'), at('2026-01-11T00:00:00Z'))).toBe(4 * H);
    expect(() => parseCalendar('mon-fri 18:00-09:00', 'UTC')).toThrow(/range/);
    expect(() => parseCalendar('funday 09:00-10:00', 'UTC')).toThrow(/day/);
    expect(() => parseCalendar('mon 09:00-10:00', 'Mars/Olympus')).toThrow(/time zone/);
  });
});

describe('SLA clocks', () => {
  const targets = { firstResponseMinutes: 4 * 60, resolutionMinutes: 16 * 60 };
  // Created Friday 2026-01-09 at 15:00 Madrid (14:00Z).
  const createdAt = at('2026-01-09T14:00:00Z');

  test('due times skip the weekend; remaining time counts down in business time', () => {
    const s = slaState(
      cal,
      { createdAt, firstResponseAt: null, resolvedAt: null, pauses: [] },
      targets,
      at('2026-01-10T10:00:00Z'),
    );
    // 3 h on Friday, 1 h on Monday: first response due Monday 10:00 Madrid.
    expect(s.firstResponse.dueAt).toEqual(at('2026-01-12T09:00:00Z'));
    expect(s.firstResponse.remainingSeconds).toBe(1 * 3600);
    // 3 + 9 + 4 hours: resolution due Tuesday 13:00 Madrid.
    expect(s.resolution.dueAt).toEqual(at('2026-01-13T12:00:00Z'));
    expect(s.nextDueAt).toEqual(s.firstResponse.dueAt);
    expect(s.breached).toBe(false);
  });

  test('breach once the target passes, and the stop time decides for stopped clocks', () => {
    const late = slaState(
      cal,
      { createdAt, firstResponseAt: null, resolvedAt: null, pauses: [] },
      targets,
      at('2026-01-12T10:00:00Z'),
    );
    expect(late.firstResponse.breached).toBe(true);
    expect(late.firstResponse.remainingSeconds).toBe(-1 * 3600);
    const answered = slaState(
      cal,
      { createdAt, firstResponseAt: at('2026-01-09T16:00:00Z'), resolvedAt: null, pauses: [] },
      targets,
      at('2026-01-12T10:00:00Z'),
    );
    expect(answered.firstResponse).toMatchObject({
      breached: false,
      remainingSeconds: 2 * 3600,
      stoppedAt: at('2026-01-09T16:00:00Z'),
    });
    expect(answered.nextDueAt).toEqual(answered.resolution.dueAt);
  });

  test('pauses stop the clock: an open pause freezes it, a closed one pushes due times back', () => {
    // Paused Friday 16:00 Madrid (after 1 business hour) until Monday 12:00 Madrid (3 business hours paused).
    const pauseFrom = at('2026-01-09T15:00:00Z');
    const open = slaState(
      cal,
      { createdAt, firstResponseAt: null, resolvedAt: null, pauses: [{ from: pauseFrom, to: null }] },
      targets,
      at('2026-01-12T15:00:00Z'),
    );
    expect(open.paused).toBe(true);
    expect(open.firstResponse).toMatchObject({ dueAt: null, remainingSeconds: 3 * 3600, breached: false });
    expect(open.nextDueAt).toBeNull();

    const closed = slaState(
      cal,
      {
        createdAt,
        firstResponseAt: null,
        resolvedAt: null,
        pauses: [{ from: pauseFrom, to: at('2026-01-12T11:00:00Z') }],
      },
      targets,
      at('2026-01-12T11:00:00Z'),
    );
    // Unpaused due Monday 10:00 Madrid, plus 2 h Friday + 3 h Monday = 5 business hours: Monday 15:00.
    expect(closed.firstResponse.dueAt).toEqual(at('2026-01-12T14:00:00Z'));
    expect(closed.firstResponse.remainingSeconds).toBe(3 * 3600);
  });
});
