/** Condition types of a PlannerApp. */
export const AppCondition = {
  /** True when the app is reconciled as its spec requests: autoscaler in place, paused, or held by a quiesce. */
  Ready: 'Ready',
  /** False when the Deployment named by spec.workloadRef does not exist. */
  WorkloadAvailable: 'WorkloadAvailable',
  /** False when the database Secret is missing or lacks the connection keys. */
  DatabaseSecretValid: 'DatabaseSecretValid',
  /** False when a schedule has an invalid cron expression, time zone or duration. */
  SchedulesValid: 'SchedulesValid',
  /** True when another HorizontalPodAutoscaler targets the Deployment; the operator then removes its own. */
  AutoscalerConflict: 'AutoscalerConflict',
} as const;

/** Condition reasons and Event reasons of the PlannerApp controller. */
export const AppReason = {
  /** The autoscaler matches the spec. */
  Reconciled: 'Reconciled',
  /** spec.paused is true; the operator's autoscaler is removed. */
  Paused: 'Paused',
  /** The app is held at zero replicas by a quiesce. */
  Quiesced: 'Quiesced',
  /** The app is being scaled to zero for a quiesce. */
  Quiescing: 'Quiescing',
  /** A released quiesce ended and the app runs again. */
  Resumed: 'Resumed',
  /** The Deployment exists. */
  WorkloadFound: 'WorkloadFound',
  /** The Deployment does not exist. */
  WorkloadNotFound: 'WorkloadNotFound',
  /** The Secret has the connection keys. */
  SecretValid: 'SecretValid',
  /** The Secret does not exist. */
  SecretNotFound: 'SecretNotFound',
  /** The Secret lacks url and the host, port, database, username and password keys. */
  SecretKeysMissing: 'SecretKeysMissing',
  /** Every schedule parses. */
  SchedulesValid: 'SchedulesValid',
  /** A schedule is invalid and ignored. */
  InvalidSchedule: 'InvalidSchedule',
  /** No other autoscaler targets the Deployment. */
  NoConflict: 'NoConflict',
  /** Another HorizontalPodAutoscaler targets the Deployment. */
  AnotherAutoscaler: 'AnotherAutoscaler',
  /** The operator created or updated its HorizontalPodAutoscaler. */
  AutoscalerApplied: 'AutoscalerApplied',
  /** The operator deleted its HorizontalPodAutoscaler (paused or conflict). */
  AutoscalerRemoved: 'AutoscalerRemoved',
  /** A schedule window opened or closed and the bounds changed. */
  ScheduleChanged: 'ScheduleChanged',
  /** The quiesce annotation is malformed and ignored. */
  InvalidQuiesceRequest: 'InvalidQuiesceRequest',
  /** The PlannerApp was deleted and the Deployment handed back at a replica count. */
  WorkloadReleased: 'WorkloadReleased',
} as const;
