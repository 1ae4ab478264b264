// Generated from the CRD manifests in charts/planner/files/crds by operator/api/codegen.ts.
// Do not edit: change the CRD and run `node operator/api/codegen.ts`.
import type { V1ObjectMeta } from '@kubernetes/client-node';

/** The Deployment of the planner API server, in the same namespace as the PlannerApp. */
export interface WorkloadReference {
  /** API version of the workload. Only apps/v1 is supported. */
  apiVersion?: 'apps/v1';
  /** Kind of the workload. Only Deployment is supported. */
  kind?: 'Deployment';
  /** Name of the Deployment. */
  name: string;
}

/** A Secret in the same namespace holding either the key `url` (a postgres:// connection URL) or the keys `host`, `port`, `database`, `username` and `password`. */
export interface LocalObjectReference {
  /** Name of the Secret. */
  name: string;
}

/** Connection to the app's PostgreSQL database, used by backups and restores. */
export interface DatabaseSettings {
  /** A Secret in the same namespace holding either the key `url` (a postgres:// connection URL) or the keys `host`, `port`, `database`, `username` and `password`. */
  secretRef: LocalObjectReference;
}

/** One limit on the change of replicas over a period. */
export interface ScalingPolicy {
  /** Whether value counts pods or a percentage of the current replicas. */
  type: 'Pods' | 'Percent';
  /** Number of pods, or percentage, allowed to change within the period. */
  value: number;
  /** Length of the period in seconds. */
  periodSeconds: number;
}

/** How the autoscaler adds replicas. */
export interface ScalingRules {
  /** Seconds of past recommendations considered before scaling. */
  stabilizationWindowSeconds?: number;
  /** Which policy wins when several apply. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /** Limits on how fast replicas change. */
  policies?: ScalingPolicy[];
}

/** Scale-up and scale-down behavior, copied into the HorizontalPodAutoscaler (autoscaling/v2 semantics). */
export interface ScalingBehavior {
  /** How the autoscaler adds replicas. */
  scaleUp?: ScalingRules;
  /** How the autoscaler removes replicas. */
  scaleDown?: ScalingRules;
}

/** Replica bounds and autoscaling targets of the HorizontalPodAutoscaler. */
export interface ReplicaSettings {
  /** Lowest replica count outside any schedule window. */
  min: number;
  /** Highest replica count outside any schedule window. */
  max: number;
  /** Average CPU utilization, as a percentage of the pods' CPU request, that the autoscaler aims for. */
  targetCPUUtilizationPercentage?: number;
  /** Average memory utilization, as a percentage of the pods' memory request, that the autoscaler aims for. Unset means memory is not a scaling metric. */
  targetMemoryUtilizationPercentage?: number;
  /** Scale-up and scale-down behavior, copied into the HorizontalPodAutoscaler (autoscaling/v2 semantics). */
  behavior?: ScalingBehavior;
}

/** A recurring window, starting at each time the cron expression matches and lasting for duration. */
export interface ReplicaSchedule {
  /** Name of the schedule, unique within the app, shown in status while active. */
  name: string;
  /** Standard five-field cron expression (minute hour day-of-month month day-of-week) or a macro such as @daily, giving the start of each window in timeZone. */
  cron: string;
  /** IANA time zone name (for example Europe/London) in which the cron expression is evaluated. */
  timeZone?: string;
  /** Length of each window as elapsed time, for example 8h or 1h30m (hours, minutes and seconds). Across a daylight-saving change the window keeps its elapsed length, so its local end time shifts by the change. */
  duration: string;
  /** Replica floor inside the window. */
  min: number;
  /** Replica ceiling inside the window; unset keeps the spec's max (raised to min if lower). */
  max?: number;
}

/** What happens to the Deployment when the PlannerApp is deleted. */
export interface DeletionSettings {
  /** Replica count the Deployment is left at after deletion. Unset keeps the current count, or replicas.min when the app is scaled to zero at the time. Zero must be asked for explicitly. */
  replicas?: number;
}

/** Desired state of the app. */
export interface PlannerAppSpec {
  /** The Deployment of the planner API server, in the same namespace as the PlannerApp. */
  workloadRef: WorkloadReference;
  /** Connection to the app's PostgreSQL database, used by backups and restores. */
  database: DatabaseSettings;
  /** Replica bounds and autoscaling targets of the HorizontalPodAutoscaler. */
  replicas: ReplicaSettings;
  /** Time windows that raise the replica floor, and optionally the ceiling. When several windows are active at once, the highest min and the highest max win; the spec's own bounds are never lowered. */
  schedules?: ReplicaSchedule[];
  /** Stops autoscaling: the operator deletes its HorizontalPodAutoscaler and leaves the Deployment's replica count as it is until paused is false again. */
  paused?: boolean;
  /** What happens to the Deployment when the PlannerApp is deleted. */
  deletion?: DeletionSettings;
}

/** The quiesce in force, copied from the planner.bbcagents.io/quiesce annotation: who holds the app at zero replicas and the state it returns to when released. */
export interface QuiesceStatus {
  /** Identity of the holder, for example restore/nightly-fix. */
  holder?: string;
  /** Why the app is held. */
  purpose?: 'Restore' | 'Maintenance';
  /** Replica count of the Deployment before it was scaled to zero. */
  savedReplicas?: number;
  /** minReplicas of the HorizontalPodAutoscaler before the quiesce. */
  savedMinReplicas?: number;
  /** maxReplicas of the HorizontalPodAutoscaler before the quiesce. */
  savedMaxReplicas?: number;
  /** When the quiesce was requested. */
  requestTime?: string;
  /** When the last pod of the Deployment was observed gone. */
  quiescedTime?: string;
}

/** One aspect of the object's state, following the Kubernetes condition conventions. */
export interface Condition {
  /** CamelCase type of the condition, such as Ready. */
  type: string;
  /** Whether the condition holds. */
  status: 'True' | 'False' | 'Unknown';
  /** The metadata.generation the condition was set for. */
  observedGeneration?: number;
  /** When status last changed. */
  lastTransitionTime: string;
  /** CamelCase reason for the last transition. */
  reason: string;
  /** Human-readable detail of the transition. */
  message: string;
}

/** Observed state of the app, written by the operator. */
export interface PlannerAppStatus {
  /** The metadata.generation that this status describes. */
  observedGeneration?: number;
  /** Summary of the app's state. Active means the autoscaler is in place, Paused that autoscaling is stopped, Degraded that an input or conflict needs attention (see conditions). Quiescing means the app is being scaled to zero; once no pod is left it is Restoring (held for a restore) or Quiesced (held for another purpose). Terminating means the PlannerApp is being deleted. */
  phase?: 'Pending' | 'Active' | 'Paused' | 'Degraded' | 'Quiescing' | 'Quiesced' | 'Restoring' | 'Terminating';
  /** Name of the HorizontalPodAutoscaler the operator owns for this app. */
  hpaName?: string;
  /** Replica floor in force now, after schedules. */
  effectiveMinReplicas?: number;
  /** Replica ceiling in force now, after schedules. */
  effectiveMaxReplicas?: number;
  /** Replica count of the Deployment as last observed. */
  currentReplicas?: number;
  /** Names of the schedules whose window is open now. */
  activeSchedules?: string[];
  /** Time of the next schedule window start or end, when the effective bounds are evaluated again. */
  nextScheduleChangeTime?: string;
  /** The quiesce in force, copied from the planner.bbcagents.io/quiesce annotation: who holds the app at zero replicas and the state it returns to when released. */
  quiesce?: QuiesceStatus;
  /** Latest observations of the app's state. */
  conditions?: Condition[];
}

/** PlannerApp declares one planner API server Deployment and how the operator scales it: a HorizontalPodAutoscaler within replica bounds, schedules that raise those bounds in time windows, and the database Secret that backups and restores of the app use. */
export interface PlannerApp {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec: PlannerAppSpec;
  status?: PlannerAppStatus;
}

/** The PlannerApp, in the same namespace, whose database is backed up. */
export interface AppReference {
  /** Name of the PlannerApp. */
  name: string;
}

/** A PersistentVolumeClaim in the same namespace, mounted into the backup Job. */
export interface PvcStorage {
  /** Name of the PersistentVolumeClaim. */
  claimName: string;
  /** Folder inside the volume, relative to its root; unset means the root. */
  path?: string;
}

/** A Secret in the same namespace with the access key pair. */
export interface S3CredentialsSecretReference {
  /** Name of the Secret. */
  name: string;
  /** Key of the access key id in the Secret. */
  accessKeyIdKey?: string;
  /** Key of the secret access key in the Secret. */
  secretAccessKeyKey?: string;
}

/** An S3 or S3-compatible bucket. */
export interface S3Storage {
  /** Name of the bucket. */
  bucket: string;
  /** Key prefix under which backups are stored, for example planner/production; unset means the bucket root. */
  prefix?: string;
  /** URL of an S3-compatible service; unset means AWS S3 for the region. */
  endpoint?: string;
  /** Region of the bucket. */
  region?: string;
  /** Addresses the bucket as a path (endpoint/bucket/key) rather than a host name; most self-hosted services need it. */
  forcePathStyle?: boolean;
  /** A Secret in the same namespace with the access key pair. */
  credentialsSecretRef: S3CredentialsSecretReference;
}

/** Where dumps and their manifests are stored. Set exactly one of pvc or s3. */
export interface BackupStorage {
  /** A PersistentVolumeClaim in the same namespace, mounted into the backup Job. */
  pvc?: PvcStorage;
  /** An S3 or S3-compatible bucket. */
  s3?: S3Storage;
}

/** Which successful backups are kept; a backup kept by any rule stays. The newest successful backup is never pruned. Unset keeps the last 7. */
export interface RetentionPolicy {
  /** Number of newest successful backups to keep. */
  keepLast?: number;
  /** Number of days for which the newest backup of the day is kept. */
  keepDaily?: number;
  /** Number of ISO weeks for which the newest backup of the week is kept. */
  keepWeekly?: number;
  /** Number of months for which the newest backup of the month is kept. */
  keepMonthly?: number;
}

/** Compute resources of the runner container. */
export interface ResourceRequirements {
  /** Minimum resources, for example cpu 100m and memory 128Mi. */
  requests?: Record<string, number | string>;
  /** Maximum resources. */
  limits?: Record<string, number | string>;
}

/** One toleration. */
export interface Toleration {
  /** Taint key that the toleration applies to; empty matches all keys. */
  key?: string;
  /** Relation between key and value. */
  operator?: 'Exists' | 'Equal';
  /** Taint value the toleration matches. */
  value?: string;
  /** Taint effect to match; empty matches all effects. */
  effect?: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** How long a NoExecute taint is tolerated. */
  tolerationSeconds?: number;
}

/** Settings of the Jobs that run the backup runner. */
export interface JobSettings {
  /** Image of the runner; unset means the operator's --runner-image. */
  image?: string;
  /** Compute resources of the runner container. */
  resources?: ResourceRequirements;
  /** Seconds a run may take before its Job is stopped and the run marked failed. */
  activeDeadlineSeconds?: number;
  /** Retries of a failed runner pod within one run. */
  backoffLimit?: number;
  /** Labels a node must have to run the Job's pod. */
  nodeSelector?: Record<string, string>;
  /** Tolerations of the Job's pod, as in a PodSpec. */
  tolerations?: Toleration[];
  /** Affinity of the Job's pod, as in a PodSpec (nodeAffinity, podAffinity, podAntiAffinity). */
  affinity?: Record<string, unknown>;
}

/** Desired backups. */
export interface PlannerBackupSpec {
  /** The PlannerApp, in the same namespace, whose database is backed up. */
  appRef: AppReference;
  /** Five-field cron expression (minute hour day-of-month month day-of-week) or a macro such as @daily. Unset means a single on-demand run when the PlannerBackup is created. */
  schedule?: string;
  /** IANA time zone name (for example Europe/London) in which the schedule is evaluated. */
  timeZone?: string;
  /** Stops new scheduled runs; a run in progress finishes. Skipped times are recorded in status. */
  suspend?: boolean;
  /** Where dumps and their manifests are stored. Set exactly one of pvc or s3. */
  storage: BackupStorage;
  /** pg_dump archive format; custom (pg_dump -Fc, restored with pg_restore) or plain SQL (restored with psql). */
  format?: 'custom' | 'plain';
  /** Which successful backups are kept; a backup kept by any rule stays. The newest successful backup is never pruned. Unset keeps the last 7. */
  retention?: RetentionPolicy;
  /** How late a scheduled run may still start, for example after operator downtime. Missed runs give at most one catch-up run, and only within this deadline; unset means a missed run always catches up once. */
  startingDeadlineSeconds?: number;
  /** What happens to stored backups when this PlannerBackup is deleted; Delete removes them through a finalizer. */
  deletionPolicy?: 'Retain' | 'Delete';
  /** Settings of the Jobs that run the backup runner. */
  job?: JobSettings;
}

/** The run in progress, if any. */
export interface BackupActiveRun {
  /** Identifier of the run, stable across operator restarts. */
  runId?: string;
  /** Name of the run's Job. */
  jobName?: string;
  /** Scheduled time the run is for; unset for an on-demand run. */
  scheduledTime?: string;
  /** When the run's Job was created. */
  startTime?: string;
}

/** Result of the last finished run. */
export interface BackupRecord {
  /** Identifier of the backup, which names its dump and manifest in storage. */
  backupId?: string;
  /** Where the dump is stored, for example s3://bucket/prefix/ID.dump or pvc://claim/path/ID.dump. */
  location?: string;
  /** Size of the dump in bytes. */
  size?: number;
  /** Hex SHA-256 checksum of the dump. */
  sha256?: string;
  /** PostgreSQL server version the dump was taken from. */
  serverVersion?: string;
  /** pg_dump archive format of the dump. */
  format?: 'custom' | 'plain';
  /** When the run started. */
  startTime?: string;
  /** When the run finished. */
  completionTime?: string;
  /** Wall time of the run in seconds. */
  durationSeconds?: number;
  /** Outcome of the run. */
  result?: 'Succeeded' | 'Failed';
  /** Name of the run's Job. */
  jobName?: string;
  /** Detail of the outcome, such as the runner's error. */
  message?: string;
}

/** One skipped run. */
export interface SkippedRun {
  /** Time the run was due. */
  scheduledTime: string;
  /** CamelCase reason, such as AppRestoring, AnotherRunActive, Suspended or MissedDeadline. */
  reason: string;
  /** Human-readable detail. */
  message?: string;
}

/** Observed state of the backups, written by the operator. */
export interface PlannerBackupStatus {
  /** The metadata.generation that this status describes. */
  observedGeneration?: number;
  /** Summary: Pending before the first run, Scheduled while waiting for the next run, Running during a run, Succeeded or Failed after an on-demand run or a scheduled run's last outcome, Suspended. */
  phase?: 'Pending' | 'Scheduled' | 'Running' | 'Succeeded' | 'Failed' | 'Suspended';
  /** Scheduled time of the last run started. */
  lastScheduleTime?: string;
  /** Time of the next scheduled run. */
  nextScheduleTime?: string;
  /** Completion time of the last successful run. */
  lastSuccessfulTime?: string;
  /** Failed runs since the last successful one. */
  consecutiveFailures?: number;
  /** Value of the planner.bbcagents.io/run-now annotation already acted on. */
  lastRunNowValue?: string;
  /** The run in progress, if any. */
  activeRun?: BackupActiveRun;
  /** Result of the last finished run. */
  lastRun?: BackupRecord;
  /** Retained successful backups, newest first, at most 100. */
  backups?: BackupRecord[];
  /** The most recent scheduled runs that did not start, newest first, at most 20. */
  skippedRuns?: SkippedRun[];
  /** Latest observations of the backup's state. */
  conditions?: Condition[];
}

/** PlannerBackup declares pg_dump backups of a PlannerApp's database: one on-demand run when no schedule is set, or runs on a cron schedule, stored on a PersistentVolumeClaim or in S3 and pruned by a retention policy. To start an immediate run of a scheduled backup, set the annotation planner.bbcagents.io/run-now to a new value. */
export interface PlannerBackup {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec: PlannerBackupSpec;
  status?: PlannerBackupStatus;
}

/** A PlannerBackup in the same namespace. */
export interface BackupReference {
  /** Name of the PlannerBackup. */
  name: string;
  /** Identifier of the backup to restore; unset means the PlannerBackup's newest successful backup. */
  backupId?: string;
}

/** The backup to restore. Set exactly one of backupRef or storage. */
export interface RestoreSource {
  /** A PlannerBackup in the same namespace. */
  backupRef?: BackupReference;
  /** Storage holding a backup taken elsewhere, for example in another namespace or cluster. Set exactly one of pvc or s3. */
  storage?: BackupStorage;
  /** Identifier of the backup in source.storage; unset means the newest backup found there. */
  backupId?: string;
}

/** The restore to run. It cannot be changed after creation. */
export interface PlannerRestoreSpec {
  /** The PlannerApp, in the same namespace, whose database is restored. */
  appRef: LocalObjectReference;
  /** The backup to restore. Set exactly one of backupRef or storage. */
  source: RestoreSource;
  /** Scales the app to zero and holds it there while restoring, so no request writes to a half-restored database. */
  quiesce?: boolean;
  /** Takes a backup of the current database before restoring, recorded like any other backup, so the restore can be undone. */
  safetyBackup?: boolean;
  /** Settings of the Jobs that run the restore and the safety backup. */
  job?: JobSettings;
}

/** The backup being, or that was, restored. */
export interface RestoredBackup {
  /** Identifier of the backup. */
  id?: string;
  /** Where the dump is stored. */
  location?: string;
  /** Hex SHA-256 checksum of the dump, checked against its manifest before restoring. */
  sha256?: string;
  /** Size of the dump in bytes. */
  size?: number;
}

/** Progress and outcome of the restore, written by the operator. */
export interface PlannerRestoreStatus {
  /** The metadata.generation that this status describes. */
  observedGeneration?: number;
  /** Step the restore is in; Succeeded and Failed are final. */
  phase?: 'Pending' | 'Quiescing' | 'SafetyBackup' | 'Restoring' | 'Resuming' | 'Succeeded' | 'Failed';
  /** When the operator started the restore. */
  startTime?: string;
  /** When the restore reached Succeeded or Failed. */
  completionTime?: string;
  /** The backup being, or that was, restored. */
  restoredBackup?: RestoredBackup;
  /** Replica count of the app's Deployment before it was quiesced, brought back when the app resumes. */
  savedReplicas?: number;
  /** minReplicas of the app's HorizontalPodAutoscaler before it was quiesced. */
  savedMinReplicas?: number;
  /** maxReplicas of the app's HorizontalPodAutoscaler before it was quiesced. */
  savedMaxReplicas?: number;
  /** Identifier of the safety backup taken before restoring. */
  safetyBackupId?: string;
  /** Name of the Job running the current step. */
  jobName?: string;
  /** Human-readable summary of the current step or the outcome. */
  message?: string;
  /** Latest observations of the restore's state. */
  conditions?: Condition[];
}

/** PlannerRestore restores a PlannerApp's database from a backup, once. By default it scales the app to zero and takes a safety backup first, and it brings the app back to its previous replica state afterwards, also after a failure. */
export interface PlannerRestore {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec: PlannerRestoreSpec;
  status?: PlannerRestoreStatus;
}
