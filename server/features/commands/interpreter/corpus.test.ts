import { describe, expect, it } from '@jest/globals';
import type { Action } from '../actions.ts';
import { corpusNow, type CorpusEntry } from './corpus/builders.ts';
import { completeCorpus, eventCorpus, listCorpus, mixedCorpus, rescheduleCorpus } from './corpus/others.ts';
import { heldOutCorpus } from './corpus/held-out.ts';
import { taskCorpus } from './corpus/tasks.ts';
import { interpretCommand } from './embedded.ts';

const groups: Record<string, CorpusEntry[]> = {
  'create task': taskCorpus,
  'create event': eventCorpus,
  complete: completeCorpus,
  reschedule: rescheduleCorpus,
  list: listCorpus,
  'several clauses or zones': mixedCorpus,
};

/** Minimum share of corpus commands whose whole plan must match the label. */
const requiredAccuracy = 0.9;
/** Minimum on the held-out commands, which were never used to tune the interpreter. */
const requiredHeldOutAccuracy = 0.85;

function isExact(entry: CorpusEntry): boolean {
  return JSON.stringify(interpret(entry)) === JSON.stringify(entry.expected);
}

function interpret(entry: CorpusEntry): Action[] | string {
  try {
    return interpretCommand(entry.text, { now: corpusNow, timeZone: entry.timeZone }).actions;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('embedded interpreter on the labelled corpus', () => {
  const all = Object.values(groups).flat();

  it('holds at least 150 labelled commands', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map((entry) => entry.text)).size).toBe(all.length);
  });

  it(`reads at least ${requiredAccuracy * 100}% of the commands exactly`, () => {
    const misses: string[] = [];
    const rows: string[] = [];
    for (const [name, entries] of Object.entries(groups)) {
      let hits = 0;
      for (const entry of entries) {
        const actual = interpret(entry);
        if (JSON.stringify(actual) === JSON.stringify(entry.expected)) hits += 1;
        else
          misses.push(
            `${entry.text}\n    expected ${JSON.stringify(entry.expected)}\n    actual   ${JSON.stringify(actual)}`,
          );
      }
      rows.push(`${name}: ${hits}/${entries.length}`);
    }
    const accuracy = (all.length - misses.length) / all.length;
    process.stdout.write(
      `Corpus accuracy ${(accuracy * 100).toFixed(1)}% (${all.length - misses.length}/${all.length})\n${rows.join('\n')}\nMisread commands (reported, within the accepted rate):\n${misses.join('\n')}\n`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(requiredAccuracy);
  });

  it(`reads at least ${requiredHeldOutAccuracy * 100}% of the held-out commands exactly`, () => {
    const misses = heldOutCorpus.filter((entry) => !isExact(entry));
    const accuracy = (heldOutCorpus.length - misses.length) / heldOutCorpus.length;
    process.stdout.write(
      `Held-out accuracy ${(accuracy * 100).toFixed(1)}% (${heldOutCorpus.length - misses.length}/${heldOutCorpus.length})\nMisread commands (reported, within the accepted rate):\n${misses
        .map(
          (entry) =>
            `${entry.text}\n    expected ${JSON.stringify(entry.expected)}\n    actual   ${JSON.stringify(interpret(entry))}`,
        )
        .join('\n')}\n`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(requiredHeldOutAccuracy);
  });
});
