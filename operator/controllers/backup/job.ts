import type { V1Container, V1EnvVar, V1Job, V1PodSpec, V1Volume } from '@kubernetes/client-node';
import { appLabel, managedByLabel, managedByValue } from '../../api/constants.ts';
import { plannerGroup } from '../../api/resources.ts';
import type { PlannerApp, PlannerBackup } from '../../api/generated.ts';
import { controllerReference } from '../../runtime/writes.ts';

/** Label on every Job of a PlannerBackup, naming it. */
export const backupLabel = `${plannerGroup}/backup`;

/** Label on every Job of a PlannerBackup: backup, prune or delete. */
export const jobKindLabel = `${plannerGroup}/job-kind`;

/** Where the PVC is mounted in the runner container. */
export const backupMountPath = '/backups';

/** User and group of the runner image; the PVC is made writable for them with fsGroup. */
const runnerUser = 10001;

/** Deadline of a prune or delete Job, in seconds: they only list and delete objects. */
export const maintenanceDeadlineSeconds = 600;

/** The runner subcommand a Job runs. */
export type RunnerCommand = 'backup' | 'prune' | 'delete';

/** Everything a Job needs beyond the PlannerBackup itself. */
export interface JobInput {
  backup: PlannerBackup;
  /** The PlannerApp; only backup Jobs need it, for its database Secret. */
  app?: PlannerApp;
  name: string;
  command: RunnerCommand;
  /** The operator's --runner-image, used when spec.job.image is unset. */
  defaultImage: string;
  /** Extra annotations, such as the run's scheduled time. */
  annotations?: Record<string, string>;
}

/**
 * The storage location of a PlannerBackup's backups, as a URL for status and Events:
 * `pvc://<claim>/<path>/<namespace>/<name>` or `s3://<bucket>/<prefix>/<namespace>/<name>`.
 * Each PlannerBackup has a folder of its own, so that retention never touches another's backups.
 */
export function storageLocation(backup: PlannerBackup): string {
  const { pvc, s3 } = backup.spec.storage;
  const folder = `${backup.metadata?.namespace}/${backup.metadata?.name}`;
  if (pvc !== undefined) return `pvc://${[pvc.claimName, pvc.path, folder].filter(Boolean).join('/')}`;
  return `s3://${[s3?.bucket, s3?.prefix?.replace(/\/+$/, ''), folder].filter(Boolean).join('/')}`;
}

function secretEnv(name: string, secret: string, key: string, optional: boolean): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key, optional } } };
}

/**
 * The database connection, by reference to the app's Secret so no credential is copied into the
 * Job. Every key is optional because the Secret contains either `url` or the five separate keys; the
 * runner prefers DATABASE_URL and rejects a run with neither.
 */
function databaseEnv(app: PlannerApp): V1EnvVar[] {
  const secret = app.spec.database.secretRef.name;
  return [
    secretEnv('DATABASE_URL', secret, 'url', true),
    secretEnv('PGHOST', secret, 'host', true),
    secretEnv('PGPORT', secret, 'port', true),
    secretEnv('PGDATABASE', secret, 'database', true),
    secretEnv('PGUSER', secret, 'username', true),
    secretEnv('PGPASSWORD', secret, 'password', true),
  ];
}

function storageEnv(backup: PlannerBackup): { env: V1EnvVar[]; volumes: V1Volume[] } {
  const { pvc, s3 } = backup.spec.storage;
  const folder = `${backup.metadata?.namespace}/${backup.metadata?.name}`;
  if (pvc !== undefined) {
    const path = [backupMountPath, pvc.path, folder].filter(Boolean).join('/');
    return {
      env: [{ name: 'PLANNER_STORAGE_PATH', value: path }],
      volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: pvc.claimName } }],
    };
  }
  if (s3 === undefined) throw new Error('spec.storage sets neither pvc nor s3');
  const credentials = s3.credentialsSecretRef;
  const env: V1EnvVar[] = [
    { name: 'PLANNER_S3_BUCKET', value: s3.bucket },
    { name: 'PLANNER_S3_PREFIX', value: [s3.prefix?.replace(/\/+$/, ''), folder].filter(Boolean).join('/') },
    { name: 'PLANNER_S3_REGION', value: s3.region ?? 'us-east-1' },
    { name: 'PLANNER_S3_FORCE_PATH_STYLE', value: String(s3.forcePathStyle ?? false) },
    secretEnv('AWS_ACCESS_KEY_ID', credentials.name, credentials.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID', false),
    secretEnv(
      'AWS_SECRET_ACCESS_KEY',
      credentials.name,
      credentials.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY',
      false,
    ),
    secretEnv('AWS_SESSION_TOKEN', credentials.name, 'AWS_SESSION_TOKEN', true),
  ];
  if (s3.endpoint !== undefined) env.push({ name: 'PLANNER_S3_ENDPOINT', value: s3.endpoint });
  return { env, volumes: [] };
}

/**
 * NODE_OPTIONS of every runner that streams a dump. A 1 MiB young generation keeps the runner's
 * peak memory flat as dumps grow: without it the pipe's read buffers outlive their use until a
 * late scavenge (docs/benchmarks.md, Backup).
 */
export const runnerNodeOptions: V1EnvVar = { name: 'NODE_OPTIONS', value: '--max-semi-space-size=1' };

function commandEnv(input: JobInput): V1EnvVar[] {
  const { backup } = input;
  const spec = backup.spec;
  if (input.command === 'backup') {
    if (input.app === undefined) throw new Error('a backup Job needs the PlannerApp for its database Secret');
    return [
      { name: 'PLANNER_APP', value: spec.appRef.name },
      { name: 'PLANNER_NAMESPACE', value: backup.metadata?.namespace ?? '' },
      { name: 'PLANNER_BACKUP_NAME', value: backup.metadata?.name ?? '' },
      { name: 'PLANNER_BACKUP_ID', value: input.name },
      { name: 'PLANNER_BACKUP_FORMAT', value: spec.format ?? 'custom' },
      runnerNodeOptions,
      ...databaseEnv(input.app),
    ];
  }
  if (input.command === 'delete') return [];
  const retention = { keepLast: 7, ...spec.retention };
  const rules: [string, number | undefined][] = [
    ['PLANNER_KEEP_LAST', retention.keepLast],
    ['PLANNER_KEEP_DAILY', retention.keepDaily],
    ['PLANNER_KEEP_WEEKLY', retention.keepWeekly],
    ['PLANNER_KEEP_MONTHLY', retention.keepMonthly],
  ];
  return [
    ...rules.filter(([, value]) => value !== undefined).map(([name, value]) => ({ name, value: String(value) })),
    { name: 'PLANNER_RETENTION_TIME_ZONE', value: spec.timeZone ?? 'UTC' },
  ];
}

/**
 * Builds a Job that runs `planner-backup <command>` for a PlannerBackup, following docs/runner.md:
 * settings in environment variables, credentials only by Secret reference, the restricted pod
 * security profile, restartPolicy Never, and image, resources, deadline, retries and node placement
 * from spec.job. The Job is owned by the PlannerBackup. Throws when no image is configured.
 */
export function buildRunnerJob(input: JobInput): V1Job {
  const { backup } = input;
  const settings = backup.spec.job ?? {};
  const image = settings.image ?? input.defaultImage;
  if (image === '') throw new Error('no runner image: set spec.job.image or the operator flag --runner-image');
  const storage = storageEnv(backup);
  const container: V1Container = {
    name: 'runner',
    image,
    command: ['planner-backup'],
    args: [input.command],
    env: [...commandEnv(input), ...storage.env],
    resources: settings.resources as V1Container['resources'],
    terminationMessagePolicy: 'File',
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: storage.volumes.length > 0 ? [{ name: 'backups', mountPath: backupMountPath }] : undefined,
  };
  const labels = {
    [appLabel]: backup.spec.appRef.name,
    [backupLabel]: backup.metadata?.name ?? '',
    [jobKindLabel]: input.command,
    [managedByLabel]: managedByValue,
  };
  const podSpec: V1PodSpec = {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: runnerUser,
      runAsGroup: runnerUser,
      fsGroup: runnerUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    nodeSelector: settings.nodeSelector,
    tolerations: settings.tolerations as V1PodSpec['tolerations'],
    affinity: settings.affinity as V1PodSpec['affinity'],
    containers: [container],
    volumes: storage.volumes.length > 0 ? storage.volumes : undefined,
  };
  const deadline = input.command === 'backup' ? (settings.activeDeadlineSeconds ?? 3600) : maintenanceDeadlineSeconds;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: input.name,
      namespace: backup.metadata?.namespace,
      labels,
      annotations: input.annotations,
      ownerReferences: [controllerReference(backup)],
    },
    spec: {
      backoffLimit: input.command === 'backup' ? (settings.backoffLimit ?? 0) : 1,
      activeDeadlineSeconds: deadline,
      template: { metadata: { labels }, spec: podSpec },
    },
  };
}
