import { createHash } from 'node:crypto';
import type { V1EnvVar, V1Job, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { appLabel, managedByLabel, managedByValue } from '../../api/constants.ts';
import type { BackupStorage, JobSettings, PlannerApp, PlannerRestore } from '../../api/generated.ts';
import { controllerReference } from '../../runtime/writes.ts';
import { runnerNodeOptions } from '../backup/job.ts';

/** Mount path of a PVC storage inside the runner container. */
const storageMountPath = '/backups';

/** Label on the restore's Jobs naming the PlannerRestore. */
export const restoreLabel = 'planner.bbcagents.io/restore';

/** Runner user and group of the image; the PVC is made writable for this group through fsGroup. */
const runnerUid = 10001;

/** Where the backup to restore is stored: the storage and the folder or prefix inside it. */
export interface ResolvedStorage {
  storage: BackupStorage;
  /** Folder inside the PVC, or key prefix inside the bucket, holding the backups; '' is the root. */
  folder: string;
}

/**
 * Storage of a PlannerBackup's backups. The backup controller stores each PlannerBackup's backups
 * in `<pvc path or s3 prefix>/<namespace>/<PlannerBackup name>`, so retention of one never touches
 * another's.
 */
export function backupRefStorage(storage: BackupStorage, namespace: string, backupName: string): ResolvedStorage {
  const base = storage.pvc !== undefined ? (storage.pvc.path ?? '') : (storage.s3?.prefix ?? '');
  return { storage, folder: [base.replace(/\/+$/, ''), namespace, backupName].filter((part) => part !== '').join('/') };
}

/** Storage of a backup taken elsewhere: spec.source.storage names the folder that holds it. */
export function externalStorage(storage: BackupStorage): ResolvedStorage {
  const folder = storage.pvc !== undefined ? (storage.pvc.path ?? '') : (storage.s3?.prefix ?? '');
  return { storage, folder: folder.replace(/\/+$/, '') };
}

/** Human-readable location of a storage folder, such as pvc://backups/shop/nightly. */
export function describeLocation(resolved: ResolvedStorage): string {
  const { storage, folder } = resolved;
  if (storage.pvc !== undefined) return `pvc://${storage.pvc.claimName}/${folder}`;
  return `s3://${storage.s3?.bucket ?? ''}/${folder}`;
}

/** Name of a Job of the restore: `<restore>-<step>`, shortened with a hash to fit a label value. */
export function restoreJobName(restore: string, step: 'verify' | 'restore'): string {
  const name = `${restore}-${step}`;
  if (name.length <= 63) return name;
  const digest = createHash('sha256').update(restore).digest('hex').slice(0, 8);
  return `${restore.slice(0, 63 - step.length - 10)}-${digest}-${step}`;
}

/** Inputs of {@link buildRunnerJob}. */
export interface RunnerJobInput {
  restore: PlannerRestore;
  app: PlannerApp;
  step: 'verify' | 'restore';
  backupId: string;
  storage: ResolvedStorage;
  image: string;
}

/**
 * The Job running `planner-backup verify` or `planner-backup restore` for a restore: restricted
 * security context, database credentials and S3 keys by Secret reference (the verify Job gets no
 * database credentials because it reads storage only), owned by the PlannerRestore.
 */
export function buildRunnerJob(input: RunnerJobInput): V1Job {
  const { restore, app, step } = input;
  const namespace = restore.metadata?.namespace ?? '';
  const settings: JobSettings = restore.spec.job ?? {};
  const storage = storageWiring(input.storage);
  const env: V1EnvVar[] = [
    { name: 'PLANNER_BACKUP_ID', value: input.backupId },
    { name: 'PLANNER_APP', value: app.metadata?.name ?? '' },
    { name: 'PLANNER_NAMESPACE', value: namespace },
    ...storage.env,
    // Both steps stream the whole dump, so they get the backup runner's memory setting.
    runnerNodeOptions,
    ...(step === 'restore' ? databaseEnv(app.spec.database.secretRef.name) : []),
  ];
  const labels = {
    [appLabel]: app.metadata?.name ?? '',
    [restoreLabel]: restore.metadata?.name ?? '',
    [managedByLabel]: managedByValue,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: restoreJobName(restore.metadata?.name ?? '', step),
      namespace,
      labels,
      ownerReferences: [controllerReference(restore)],
    },
    spec: {
      backoffLimit: settings.backoffLimit ?? 0,
      activeDeadlineSeconds:
        step === 'verify'
          ? Math.min(settings.activeDeadlineSeconds ?? 3600, 1800)
          : (settings.activeDeadlineSeconds ?? 3600),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: runnerUid,
            runAsGroup: runnerUid,
            fsGroup: runnerUid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(settings.nodeSelector === undefined ? {} : { nodeSelector: settings.nodeSelector }),
          ...(settings.tolerations === undefined ? {} : { tolerations: settings.tolerations }),
          ...(settings.affinity === undefined ? {} : { affinity: settings.affinity }),
          volumes: storage.volumes,
          containers: [
            {
              name: 'runner',
              image: settings.image ?? input.image,
              command: ['planner-backup'],
              args: [step],
              env,
              volumeMounts: storage.mounts,
              ...(settings.resources === undefined ? {} : { resources: settings.resources as never }),
              terminationMessagePolicy: 'File',
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
        },
      },
    },
  };
}

function storageWiring(resolved: ResolvedStorage): { env: V1EnvVar[]; volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const { storage, folder } = resolved;
  if (storage.pvc !== undefined) {
    const path = folder === '' ? storageMountPath : `${storageMountPath}/${folder}`;
    return {
      env: [{ name: 'PLANNER_STORAGE_PATH', value: path }],
      // The verify and restore steps only read the storage.
      volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: storage.pvc.claimName, readOnly: true } }],
      mounts: [{ name: 'backups', mountPath: storageMountPath, readOnly: true }],
    };
  }
  const s3 = storage.s3;
  if (s3 === undefined) throw new Error('storage sets neither pvc nor s3');
  const secret = s3.credentialsSecretRef;
  const env: V1EnvVar[] = [
    { name: 'PLANNER_S3_BUCKET', value: s3.bucket },
    { name: 'PLANNER_S3_PREFIX', value: folder },
    { name: 'PLANNER_S3_REGION', value: s3.region ?? 'us-east-1' },
    { name: 'PLANNER_S3_FORCE_PATH_STYLE', value: String(s3.forcePathStyle ?? false) },
    ...(s3.endpoint === undefined ? [] : [{ name: 'PLANNER_S3_ENDPOINT', value: s3.endpoint }]),
    secretEnv('AWS_ACCESS_KEY_ID', secret.name, secret.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID', false),
    secretEnv('AWS_SECRET_ACCESS_KEY', secret.name, secret.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY', false),
  ];
  return { env, volumes: [], mounts: [] };
}

/**
 * Connection variables from the app's database Secret. Both key sets are optional references
 * because the Secret holds either `url` or the five separate keys; the runner prefers DATABASE_URL.
 */
function databaseEnv(secretName: string): V1EnvVar[] {
  return [
    secretEnv('DATABASE_URL', secretName, 'url', true),
    secretEnv('PGHOST', secretName, 'host', true),
    secretEnv('PGPORT', secretName, 'port', true),
    secretEnv('PGDATABASE', secretName, 'database', true),
    secretEnv('PGUSER', secretName, 'username', true),
    secretEnv('PGPASSWORD', secretName, 'password', true),
    // A session of the app that survived the quiesce would make pg_restore wait for its locks forever.
    { name: 'PGOPTIONS', value: '-c lock_timeout=60s' },
  ];
}

function secretEnv(name: string, secret: string, key: string, optional: boolean): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key, optional } } };
}
