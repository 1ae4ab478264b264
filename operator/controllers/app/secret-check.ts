import type { V1Secret } from '@kubernetes/client-node';
import type { PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { secretProblem } from './desired.ts';

/** The problem found in an app's database Secret, or undefined when it has the connection keys. */
export type SecretProblem = { reason: 'SecretNotFound' | 'SecretKeysMissing'; message: string } | undefined;

/** How long a check result is reused; shorter than the re-check interval of a bad Secret. */
const reuseMs = 30_000;
/** Results kept at most, so a cluster with many apps cannot grow the map without bound. */
const maxEntries = 10_000;

/**
 * A checker of database Secrets that reads each with a GET, because Secrets are not watched, and
 * reuses a result for 30 s. Every write to an app brings one more reconcile, and without reuse
 * each of them would read the Secret again. A changed secretRef is a new key, so it is read at once.
 */
export class SecretChecker {
  private readonly results = new Map<string, { problem: SecretProblem; checkedMs: number }>();

  async check(app: PlannerApp, context: ReconcileContext): Promise<SecretProblem> {
    const namespace = app.metadata?.namespace ?? '';
    const name = app.spec.database.secretRef.name;
    const key = `${namespace}/${name}`;
    const nowMs = context.clock.now().getTime();
    const cached = this.results.get(key);
    if (cached !== undefined && nowMs - cached.checkedMs < reuseMs && nowMs >= cached.checkedMs) return cached.problem;
    const problem = await readProblem(namespace, name, context);
    this.results.delete(key);
    if (this.results.size >= maxEntries) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
    this.results.set(key, { problem, checkedMs: nowMs });
    return problem;
  }
}

async function readProblem(namespace: string, name: string, context: ReconcileContext): Promise<SecretProblem> {
  const secret = await context.client.find<V1Secret>(resourceTypes.secret, namespace, name);
  if (secret === undefined) return { reason: 'SecretNotFound', message: `Secret ${name} does not exist` };
  const problem = secretProblem(secret);
  return problem === undefined ? undefined : { reason: 'SecretKeysMissing', message: problem };
}
