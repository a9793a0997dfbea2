import { timelineRange } from './timeline-query.js';

describe('the timeline date filter', () => {
  it('includes the whole last day: to is the start of the next day, since the API excludes it', () => {
    expect(timelineRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
  });

  it('one day chosen as both ends still gives a range the API accepts (from before to)', () => {
    const range = timelineRange({ from: '2026-12-31', to: '2026-12-31' });
    expect(range).toEqual({ from: '2026-12-31T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(Date.parse(range.from!)).toBeLessThan(Date.parse(range.to!));
  });

  it('leaves out an end that is empty or not a date', () => {
    expect(timelineRange({ from: '', to: '' })).toEqual({ from: undefined, to: undefined });
    expect(timelineRange({ from: '2026-02-28', to: 'not-a-day' })).toEqual({
      from: '2026-02-28T00:00:00.000Z',
      to: undefined,
    });
  });
});
