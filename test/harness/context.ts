import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { environmentKeys } from './environment.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { waitFor } from './processes.ts';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: run this test through jest's integration or e2e project, whose global set-up starts the services`,
    );
  }
  return value;
}

/** Superuser URL of the shared test PostgreSQL server. */
export function testDatabaseAdminUrl(): string {
  return required(environmentKeys.databaseUrl);
}

/** Folder of pg_dump, pg_restore and psql matching the test server's major version. */
export function testPgBinDir(): string {
  return required(environmentKeys.pgBinDir);
}

/** Path of the admin kubeconfig of the shared test control plane. */
export function testKubeconfigPath(): string {
  return required(environmentKeys.kubeconfig);
}

/** A fresh KubeConfig with admin credentials for the shared test control plane. */
export function loadTestKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(testKubeconfigPath());
  return kubeConfig;
}

/** Creates a database of its own for the calling test file; drop it in afterAll. */
export function createFileDatabase(prefix = 'test'): Promise<TestDatabase> {
  return createTestDatabase(testDatabaseAdminUrl(), prefix);
}

/** A namespace created for one test file. */
export interface TestNamespace {
  readonly name: string;
  /** Deletes the namespace; with wait, resolves only once it is gone. */
  delete(options?: { wait?: boolean }): Promise<void>;
}

/**
 * Creates a namespace with a random name and waits for its default service
 * account, which the ServiceAccount admission plugin needs before any pod is accepted.
 */
export async function createTestNamespace(kubeConfig: KubeConfig, prefix = 'test'): Promise<TestNamespace> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name, labels: { 'planner.bbcagents.io/test': 'true' } } } });
  await waitFor(
    async () => ((await core.readNamespacedServiceAccount({ name: 'default', namespace: name })) ? true : undefined),
    { description: `the default service account in namespace ${name}`, timeoutMs: 30_000 },
  );
  return {
    name,
    async delete(options = {}) {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if ((error as { code?: number }).code === 404) return;
        throw error;
      }
      if (options.wait !== true) return;
      await waitFor(
        async () => {
          try {
            await core.readNamespace({ name });
            return undefined;
          } catch (error) {
            if ((error as { code?: number }).code === 404) return true;
            throw error;
          }
        },
        { description: `namespace ${name} to be deleted`, timeoutMs: 60_000, intervalMs: 250 },
      );
    },
  };
}
