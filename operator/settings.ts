import { z } from 'zod';

/** Validated settings of planner-operator, from flags and environment (see cli.ts). */
export interface OperatorSettings {
  /** Namespaces to watch and act in; empty means all. */
  namespaces: readonly string[];
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  /** Reconciles running at once per controller. */
  concurrency: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'json' | 'text';
  /** Image of the backup and restore Jobs; controllers that start Jobs fail their runs without it. */
  runnerImage: string | undefined;
  /** Path of a kubeconfig file; undefined uses KUBECONFIG, ~/.kube/config or the in-cluster account. */
  kubeconfig: string | undefined;
}

const namespaceName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const bindAddress = /^(0|([^\s:]*|\[[0-9a-fA-F:]+\]):\d{1,5})$/;

const settingsSchema = z.object({
  namespaces: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(z.string().max(63).regex(namespaceName, 'must be a namespace name'))),
  metricsBindAddress: z.string().regex(bindAddress, 'must be HOST:PORT, :PORT or 0'),
  healthProbeBindAddress: z.string().regex(bindAddress, 'must be HOST:PORT, :PORT or 0'),
  leaderElect: z.enum(['true', 'false']).transform((value) => value === 'true'),
  leaderElectionNamespace: z.string().max(63).regex(namespaceName, 'must be a namespace name'),
  leaderElectionId: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Lease name'),
  concurrency: z.coerce.number().int().min(1).max(64),
  logLevel: z.enum(['error', 'warn', 'info', 'debug']),
  logFormat: z.enum(['json', 'text']),
  runnerImage: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
});

/** Raw string values, from flags or environment, before validation. */
export type RawSettings = { [K in keyof z.input<typeof settingsSchema>]?: string | undefined };

/**
 * Validates raw settings and returns them frozen. Throws an Error naming every invalid setting by
 * its flag, so the program can stop with a message that says what to fix.
 */
export function parseSettings(raw: RawSettings, flagNames: Record<string, string>): OperatorSettings {
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${flagNames[key] ?? key} (${JSON.stringify(raw[key as keyof RawSettings] ?? '')}): ${issue.message}`;
    });
    throw new Error(`invalid settings: ${problems.join('; ')}`);
  }
  const settings: OperatorSettings = {
    ...result.data,
    namespaces: Object.freeze(result.data.namespaces),
    runnerImage: result.data.runnerImage,
    kubeconfig: result.data.kubeconfig,
  };
  return Object.freeze(settings);
}
