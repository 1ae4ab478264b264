/**
 * Retention rules, as in PlannerBackup `spec.retention`. An unset rule keeps
 * nothing by itself; a policy with no rule set keeps every backup.
 */
export interface RetentionPolicy {
  /** Keep the N newest backups. */
  readonly keepLast?: number;
  /** Keep the newest backup of each of the N newest days that have a backup. */
  readonly keepDaily?: number;
  /** Keep the newest backup of each of the N newest ISO weeks (Monday to Sunday) that have a backup. */
  readonly keepWeekly?: number;
  /** Keep the newest backup of each of the N newest calendar months that have a backup. */
  readonly keepMonthly?: number;
}

/** A successful backup, as retention sees it. */
export interface RetentionCandidate {
  readonly id: string;
  /** When the backup finished; the newest is the one with the latest time. */
  readonly completedAt: Date;
}

/** Why a backup is kept. */
export type RetentionReason = 'Newest' | 'NoPolicy' | 'Last' | 'Daily' | 'Weekly' | 'Monthly';

/** The outcome of {@link decideRetention}, both lists newest first. */
export interface RetentionDecision {
  readonly keep: readonly { id: string; reasons: RetentionReason[] }[];
  readonly expire: readonly string[];
}

type Period = 'Daily' | 'Weekly' | 'Monthly';

const ruleOfPeriod: Readonly<Record<Period, keyof RetentionPolicy>> = {
  Daily: 'keepDaily',
  Weekly: 'keepWeekly',
  Monthly: 'keepMonthly',
};

function assertCount(policy: RetentionPolicy, rule: keyof RetentionPolicy): void {
  const value = policy[rule];
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(`retention ${rule} must be a whole number of 0 or more, got ${String(value)}`);
  }
}

/** Returns the calendar date of `at` in `timeZone` as [year, month, day]. */
function localDate(at: Date, formatter: Intl.DateTimeFormat): [number, number, number] {
  const parts = formatter.formatToParts(at);
  const part = (type: string): number => Number(parts.find((entry) => entry.type === type)?.value);
  return [part('year'), part('month'), part('day')];
}

/** Returns the ISO 8601 week of a calendar date as `YYYY-Www`: weeks start on Monday and belong to the year of their Thursday. */
function isoWeek(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const week = Math.floor((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 / 7) + 1;
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

function periodKey(period: Period, date: [number, number, number]): string {
  const [year, month, day] = date;
  if (period === 'Daily') return `${year}-${month}-${day}`;
  if (period === 'Weekly') return isoWeek(year, month, day);
  return `${year}-${month}`;
}

/**
 * Decides which backups retention keeps and which expire. Pure: it reads no
 * clock and no storage. The newest backup is always kept, so a prune never
 * leaves an app without its latest backup. Days, weeks and months are
 * calendar periods in `timeZone` (an IANA name, default UTC). Throws
 * RangeError for a negative or fractional count or an unknown time zone.
 */
export function decideRetention(
  backups: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  timeZone = 'UTC',
): RetentionDecision {
  const rules: (keyof RetentionPolicy)[] = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'];
  rules.forEach((rule) => assertCount(policy, rule));
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  });

  const sorted = [...backups].sort(
    (a, b) => b.completedAt.getTime() - a.completedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  const reasons = new Map<string, RetentionReason[]>(sorted.map((backup) => [backup.id, []]));
  const hasPolicy = rules.some((rule) => policy[rule] !== undefined);

  sorted.forEach((backup, index) => {
    const kept = reasons.get(backup.id) ?? [];
    if (index === 0) kept.push('Newest');
    if (!hasPolicy) kept.push('NoPolicy');
    if (index < (policy.keepLast ?? 0)) kept.push('Last');
  });

  for (const period of ['Daily', 'Weekly', 'Monthly'] as const) {
    const limit = policy[ruleOfPeriod[period]] ?? 0;
    let previousKey: string | undefined;
    let used = 0;
    for (const backup of sorted) {
      if (used >= limit) break;
      const key = periodKey(period, localDate(backup.completedAt, formatter));
      if (key === previousKey) continue;
      previousKey = key;
      used += 1;
      reasons.get(backup.id)?.push(period);
    }
  }

  const keep: { id: string; reasons: RetentionReason[] }[] = [];
  const expire: string[] = [];
  for (const backup of sorted) {
    const kept = reasons.get(backup.id) ?? [];
    if (kept.length > 0) keep.push({ id: backup.id, reasons: kept });
    else expire.push(backup.id);
  }
  return { keep, expire };
}
