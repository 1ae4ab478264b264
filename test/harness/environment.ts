import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { startPostgres, type PostgresServer } from './postgres.ts';
import { ensurePostgresBinDir } from './postgres.ts';

/** Environment variables through which jest's global set-up hands the services to test files. */
export const environmentKeys = {
  databaseUrl: 'PLANNER_TEST_DATABASE_URL',
  pgBinDir: 'PLANNER_TEST_PG_BINDIR',
  kubeconfig: 'PLANNER_TEST_KUBECONFIG',
  harnessDir: 'PLANNER_TEST_HARNESS_DIR',
} as const;

/** The services of one test run. */
export interface TestEnvironment {
  readonly postgres: PostgresServer | undefined;
  readonly controlPlane: ControlPlane;
  /** Superuser URL of the test PostgreSQL server (or TEST_DATABASE_URL when given). */
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL (unless TEST_DATABASE_URL names an existing server) and the
 * control plane, and exports their coordinates to the environment of every
 * process started afterwards, jest workers included.
 */
export async function startTestEnvironment(): Promise<TestEnvironment> {
  const external = process.env.TEST_DATABASE_URL;
  const [postgres, controlPlane] = await Promise.all([
    external === undefined || external === '' ? startPostgres() : Promise.resolve(undefined),
    startControlPlane(),
  ]);
  const databaseUrl = postgres?.url ?? (external as string);
  process.env[environmentKeys.databaseUrl] = databaseUrl;
  process.env[environmentKeys.pgBinDir] = postgres?.binDir ?? ensurePostgresBinDir();
  process.env[environmentKeys.kubeconfig] = controlPlane.kubeconfigPath;
  process.env[environmentKeys.harnessDir] = controlPlane.directory;
  return {
    postgres,
    controlPlane,
    databaseUrl,
    async stop() {
      await Promise.all([controlPlane.stop(), postgres?.stop()]);
    },
  };
}
