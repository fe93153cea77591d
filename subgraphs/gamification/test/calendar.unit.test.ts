import { localDay, periodWindow } from '../src/domain/calendar';

const TZ = 'Europe/Madrid';
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('local windows in Europe/Madrid', () => {
  test('local days turn at local midnight', () => {
    expect(iso(localDay(new Date('2026-01-10T22:59:59.999Z'), TZ))).toBe('2026-01-10T00:00:00.000Z');
    expect(iso(localDay(new Date('2026-01-10T23:00:00.000Z'), TZ))).toBe('2026-01-11T00:00:00.000Z');
    expect(iso(localDay(new Date('2026-07-10T21:59:59.999Z'), TZ))).toBe('2026-07-10T00:00:00.000Z');
    expect(iso(localDay(new Date('2026-07-10T22:00:00.000Z'), TZ))).toBe('2026-07-11T00:00:00.000Z');
  });

  test('the days of the DST changes last 23 and 25 hours', () => {
    const spring = periodWindow('DAY', new Date('2026-03-29T12:00:00.000Z'), TZ);
    expect([iso(spring.startsAt), iso(spring.endsAt)]).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    const autumn = periodWindow('DAY', new Date('2026-10-25T12:00:00.000Z'), TZ);
    expect([iso(autumn.startsAt), iso(autumn.endsAt)]).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ]);
  });

  test('weeks start on Monday, seasons are quarters, ALL_TIME has no bounds', () => {
    const week = periodWindow('WEEK', new Date('2026-03-29T21:30:00.000Z'), TZ);
    expect([iso(week.startsAt), iso(week.endsAt)]).toEqual(['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const season = periodWindow('SEASON', new Date('2026-05-15T10:00:00.000Z'), TZ);
    expect([iso(season.startsAt), iso(season.endsAt)]).toEqual([
      '2026-03-31T22:00:00.000Z',
      '2026-06-30T22:00:00.000Z',
    ]);
    const month = periodWindow('MONTH', new Date('2026-02-28T23:30:00.000Z'), TZ);
    expect(iso(month.startsAt)).toBe('2026-02-28T23:00:00.000Z'); // March, local
    expect(periodWindow('ALL_TIME', new Date(), TZ)).toMatchObject({ startsAt: null, endsAt: null });
  });
});
