import { describe, expect, it } from '@jest/globals';
import { expiredRunJobs, type JobSummary } from './history.ts';

const minute = 60_000;

function job(name: string, createdMinute: number, finished = true): JobSummary {
  return { name, createdMs: Date.UTC(2026, 0, 1) + createdMinute * minute, finished };
}

describe('expiredRunJobs', () => {
  it('keeps the newest runs with their prune Jobs', () => {
    const jobs = [
      job('b-1', 1),
      job('b-1-prune', 2),
      job('b-2', 3),
      job('b-2-prune', 4),
      job('b-3', 5),
      job('b-4', 6),
      job('b-4-prune', 7),
    ];
    expect(expiredRunJobs(jobs, 2)).toEqual(['b-1', 'b-1-prune', 'b-2', 'b-2-prune']);
  });

  it('orders runs by creation, not by name', () => {
    const jobs = [job('b-z', 1), job('b-a', 9)];
    expect(expiredRunJobs(jobs, 1)).toEqual(['b-z']);
  });

  it('never selects a run with an unfinished Job', () => {
    const jobs = [job('b-1', 1), job('b-1-prune', 2, false), job('b-2', 3), job('b-3', 4)];
    expect(expiredRunJobs(jobs, 1)).toEqual(['b-2']);
  });

  it('selects nothing within the limit', () => {
    expect(expiredRunJobs([job('b-1', 1), job('b-2', 2)], 3)).toEqual([]);
    expect(expiredRunJobs([], 3)).toEqual([]);
  });

  it('treats a negative limit as zero', () => {
    expect(expiredRunJobs([job('b-1', 1)], -1)).toEqual(['b-1']);
  });
});
