import { kaplanMeier, kaplanMeierMean, kaplanMeierMedian } from './kaplan-meier.js';

describe('Kaplan–Meier survival', () => {
  it('handles censored customers properly: the median differs from the naive mean of the churned', () => {
    // churned at 10, 20, 30 days; still alive (censored) at 15, 40, 50, 60 days
    const subjects = [
      { days: 10, churned: true },
      { days: 15, churned: false },
      { days: 20, churned: true },
      { days: 30, churned: true },
      { days: 40, churned: false },
      { days: 50, churned: false },
      { days: 60, churned: false },
    ];
    const points = kaplanMeier(subjects);
    // S(10) = 6/7; S(20) = 6/7 × 4/5 = 24/35; S(30) = 24/35 × 3/4 = 18/35 ≈ 0.514: never ≤ 0.5
    expect(points.map((p) => [p.day, p.atRisk])).toEqual([
      [0, 7],
      [10, 7],
      [20, 5],
      [30, 4],
      [60, 1],
    ]);
    expect(points[3]!.survival).toBeCloseTo(18 / 35, 10);
    expect(kaplanMeierMedian(points)).toBeNull();
    // one more churn at 35: S(10) = 7/8, S(20) = 7/8 × 5/6, S(30) = × 3/4 ≈ 0.547, S(35) = × 2/3 ≈ 0.365 → median 35
    const more = kaplanMeier([...subjects.slice(0, 4), { days: 35, churned: true }, ...subjects.slice(4)]);
    expect(kaplanMeierMedian(more)).toBe(35);
    // the naive mean of the churned (10 + 20 + 30 + 35) / 4 = 23.75 says far less
    expect(kaplanMeierMedian(more)).not.toBe(23.75);
  });

  it('restricted mean is the area under the steps up to the longest lifetime', () => {
    const points = kaplanMeier([
      { days: 10, churned: true },
      { days: 20, churned: false },
    ]);
    // S = 1 on [0,10), 0.5 on [10,20): 10 + 5 = 15
    expect(kaplanMeierMean(points)).toBe(15);
    expect(kaplanMeier([])).toEqual([]);
    expect(kaplanMeierMean([])).toBeNull();
  });

  it('starts below 1 when customers churn on day 0 (one-time buyers)', () => {
    const points = kaplanMeier([
      { days: 0, churned: true },
      { days: 0, churned: true },
      { days: 100, churned: false },
      { days: 100, churned: true },
    ]);
    expect(points[0]).toEqual({ day: 0, survival: 0.5, atRisk: 4, churned: 2 });
    expect(kaplanMeierMedian(points)).toBe(0);
    expect(points[1]).toMatchObject({ day: 100, survival: 0.25, atRisk: 2 });
    expect(kaplanMeierMean(points)).toBe(50);
  });
});
