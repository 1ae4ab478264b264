import { performance } from 'node:perf_hooks';
import type { V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { resourceTypes } from '../api/resources.ts';
import { sleep } from './backoff.ts';
import type { KubeClient } from './client.ts';
import { describeError, isConflict } from './errors.ts';

/** Options of a {@link LeaderElector}. Durations follow client-go's defaults. */
export interface LeaderElectorOptions {
  client: KubeClient;
  namespace: string;
  /** Name of the Lease. */
  name: string;
  /** Identity written as the holder, unique per replica (for example the pod name plus a random suffix). */
  identity: string;
  logger: Logger;
  /** How long a lease stays valid after its last renewal, as seen by the other replicas. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps acting without a successful renewal. Default 10 s. */
  renewDeadlineMs?: number;
  /** Interval between acquire and renew attempts. Default 2 s. */
  retryPeriodMs?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

/** Formats a time as a Kubernetes MicroTime (RFC 3339 with six fraction digits). */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's rules: a lease held by
 * another replica counts as expired only after leaseDuration has passed on this replica's own
 * monotonic clock since the record last changed, so clock skew between replicas does not matter.
 * {@link isLeader} turns false as soon as renewDeadline passes without a successful renewal, which
 * is before any other replica can take the lease; the manager closes its write gate on it.
 */
export class LeaderElector {
  private readonly options: Required<Omit<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading'>> &
    LeaderElectorOptions;
  private readonly abort = new AbortController();
  private leading = false;
  private lastRenewMs = 0;
  private observed: { key: string; atMs: number } | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.options = {
      ...options,
      leaseDurationMs: options.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.retryPeriodMs ?? 2_000,
    };
  }

  /** Whether this replica holds the lease and renewed it within the renew deadline. */
  isLeader(): boolean {
    return this.leading && performance.now() - this.lastRenewMs < this.options.renewDeadlineMs;
  }

  /** Starts campaigning in the background; after losing the lease it campaigns again. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning and, when leading, releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (!this.leading) return;
    this.setLeading(false);
    try {
      await this.release();
    } catch (error) {
      this.options.logger.warn('Could not release the leader lease', { err: describeError(error) });
    }
  }

  private async run(): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs, logger } = this.options;
    while (!this.abort.signal.aborted) {
      const outcome = await this.tryAcquireOrRenew().catch((error: unknown) => {
        if (!isConflict(error)) logger.warn('Leader lease request failed', { err: describeError(error) });
        return 'failed' as const;
      });
      if (this.abort.signal.aborted) return;
      if (outcome === 'held') {
        this.lastRenewMs = performance.now();
        if (!this.leading) this.setLeading(true);
      } else if (this.leading && (outcome === 'taken' || performance.now() - this.lastRenewMs >= renewDeadlineMs)) {
        logger.warn('Lost the leader lease', { reason: outcome === 'taken' ? 'HeldByAnother' : 'RenewDeadline' });
        this.setLeading(false);
      }
      await sleep(retryPeriodMs, this.abort.signal);
    }
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.options.logger.info(leading ? 'Became the leader' : 'Stopped leading', { identity: this.options.identity });
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<'held' | 'taken' | 'failed'> {
    const { client, namespace, name, identity } = this.options;
    const now = new Date();
    const lease = await client.find<V1Lease>(resourceTypes.lease, namespace, name);
    if (lease === undefined) {
      await client.create<V1Lease>(resourceTypes.lease, namespace, this.record(undefined, now));
      return 'held';
    }
    const spec = lease.spec ?? {};
    const key = `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion}`;
    if (this.observed?.key !== key) this.observed = { key, atMs: performance.now() };
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== identity && performance.now() - this.observed.atMs < durationMs) return 'taken';
    await client.replace<V1Lease>(resourceTypes.lease, { ...this.record(lease, now), metadata: lease.metadata });
    return 'held';
  }

  private record(current: V1Lease | undefined, now: Date): V1Lease {
    const { identity, namespace, name, leaseDurationMs } = this.options;
    const spec = current?.spec ?? {};
    const renewing = spec.holderIdentity === identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
        acquireTime: (renewing ? spec.acquireTime : microTime(now)) as unknown as Date,
        renewTime: microTime(now) as unknown as Date,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (renewing || current === undefined ? 0 : 1),
      },
    };
  }

  private async release(): Promise<void> {
    const { client, namespace, name, identity } = this.options;
    const lease = await client.find<V1Lease>(resourceTypes.lease, namespace, name);
    if (lease?.spec?.holderIdentity !== identity) return;
    const now = microTime(new Date()) as unknown as Date;
    await client.replace<V1Lease>(resourceTypes.lease, {
      ...lease,
      spec: {
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: lease.spec.leaseTransitions,
      },
    });
  }
}
