import { plannerGroup } from './resources.ts';

/** Finalizer the PlannerApp controller puts on each PlannerApp to hand the workload back on deletion. */
export const appFinalizer = `${plannerGroup}/release-workload`;

/**
 * Annotation on a PlannerApp holding a quiesce request as JSON (see operator/quiesce/). Its presence means
 * the app is held at zero replicas until the holder releases it.
 */
export const quiesceAnnotation = `${plannerGroup}/quiesce`;

/** Annotation on a PlannerBackup whose new value asks for an immediate run. */
export const runNowAnnotation = `${plannerGroup}/run-now`;

/** Label on objects the operator creates, naming the PlannerApp they belong to. */
export const appLabel = `${plannerGroup}/app`;

/** Standard label naming the tool that manages an object. */
export const managedByLabel = 'app.kubernetes.io/managed-by';

/** Value of {@link managedByLabel} on objects the operator creates. */
export const managedByValue = 'planner-operator';
