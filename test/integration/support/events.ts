import type { CoreV1Event } from '@kubernetes/client-node';
import { resourceTypes } from '../../../operator/api/resources.ts';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import { eventually } from '../../harness/processes.ts';

/** A string names an Event reason; a pattern is matched against the line `reason: message`. */
export type ExpectedEvent = string | RegExp;

function matches(lines: readonly string[], expected: ExpectedEvent): boolean {
  if (typeof expected === 'string') return lines.some((line) => line.startsWith(`${expected}: `));
  return lines.some((line) => expected.test(line));
}

/**
 * Waits until the Events about an object include every expected one, then returns them all as
 * `reason: message` lines, oldest first. Times out with the Events it saw in the error.
 *
 * The operator sends Events in the background after the status write they describe, so a test
 * that has just seen a status change waits for the matching Event instead of reading once.
 */
export async function expectEvents(
  client: KubeClient,
  namespace: string,
  name: string,
  expected: readonly ExpectedEvent[],
  timeoutMs = 15_000,
): Promise<string[]> {
  return eventually(
    `Events of ${name} to include ${expected.map(String).join(', ')}`,
    async () => {
      const list = await client.list<CoreV1Event>(resourceTypes.event, namespace, {
        fieldSelector: `involvedObject.name=${name}`,
      });
      return list.items.map((event) => `${event.reason ?? ''}: ${event.message ?? ''}`);
    },
    (lines) => expected.every((item) => matches(lines, item)),
    timeoutMs,
  );
}
