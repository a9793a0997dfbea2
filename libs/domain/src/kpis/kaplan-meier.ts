/** One customer's lifetime in whole days; `churned` false means censored: still alive when observed. */
export interface SurvivalSubject {
  days: number;
  churned: boolean;
  /** How many customers share this lifetime (1 when left out): lifetimes can be read already grouped. */
  count?: number;
}

/** A step of the Kaplan–Meier curve: the share still alive after `day`, and how many were at risk on it. */
export interface SurvivalPoint {
  day: number;
  survival: number;
  atRisk: number;
  churned: number;
}

/**
 * The Kaplan–Meier estimate S(t) = Π (1 − dᵢ/nᵢ) over the days tᵢ ≤ t with churns: dᵢ churned on tᵢ of
 * the nᵢ whose lifetime reached tᵢ. A censored customer counts as at risk up to its own day, churns on
 * the same day first (the usual convention), and never as a churn: the living are not dropped.
 * The curve starts at day 0 with everyone; it ends with a point at the longest observed lifetime.
 */
export function kaplanMeier(subjects: SurvivalSubject[]): SurvivalPoint[] {
  if (subjects.length === 0) return [];
  const byDay = new Map<number, { churned: number; censored: number }>();
  let total = 0;
  for (const s of subjects) {
    const at = byDay.get(s.days) ?? { churned: 0, censored: 0 };
    if (s.churned) at.churned += s.count ?? 1;
    else at.censored += s.count ?? 1;
    byDay.set(s.days, at);
    total += s.count ?? 1;
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const points: SurvivalPoint[] = [];
  let atRisk = total;
  let survival = 1;
  if (days[0]! > 0 || byDay.get(days[0]!)!.churned === 0) points.push({ day: 0, survival: 1, atRisk, churned: 0 });
  for (const day of days) {
    const { churned, censored } = byDay.get(day)!;
    if (churned > 0) {
      survival *= 1 - churned / atRisk;
      points.push({ day, survival, atRisk, churned });
    }
    atRisk -= churned + censored;
  }
  const last = days[days.length - 1]!;
  if (points[points.length - 1]!.day !== last)
    points.push({ day: last, survival, atRisk: byDay.get(last)!.censored, churned: 0 });
  return points;
}

/** The first day on which survival falls to one half or below; null when the curve never gets there. */
export function kaplanMeierMedian(points: SurvivalPoint[]): number | null {
  return points.find((p) => p.churned > 0 && p.survival <= 0.5)?.day ?? null;
}

/**
 * The area under the curve up to the longest observed lifetime (the restricted mean): with censoring, the
 * tail after it is unknown, so this is a lower bound of the true mean whenever the curve has not reached 0.
 */
export function kaplanMeierMean(points: SurvivalPoint[]): number | null {
  if (points.length === 0) return null;
  let area = 0;
  for (let i = 0; i < points.length - 1; i++) area += points[i]!.survival * (points[i + 1]!.day - points[i]!.day);
  return area;
}
