import { quiesceAnnotation } from '../api/constants.ts';
import type { PlannerApp } from '../api/generated.ts';

/** Why an app is held at zero replicas. Restore makes the PlannerApp show phase Restoring. */
export type QuiescePurpose = 'Restore' | 'Maintenance';

/**
 * A quiesce request, stored as JSON in the PlannerApp's planner.bbcagents.io/quiesce annotation.
 * The requester writes it with the state to come back to; the PlannerApp controller acts on it.
 */
export interface QuiesceRequest {
  holder: string;
  purpose: QuiescePurpose;
  /** RFC 3339 time of the request. */
  requestTime: string;
  /** Deployment replicas before the quiesce. */
  savedReplicas: number;
  /** HorizontalPodAutoscaler bounds before the quiesce, when one existed. */
  savedMinReplicas?: number;
  savedMaxReplicas?: number;
  /** Set by the holder when it is done; the controller then resumes the app and removes the annotation. */
  release?: boolean;
}

/** Where a quiesce stands, as {@link getQuiesceState} reports it. */
export type QuiescePhase =
  /** No quiesce: the app runs normally (for a released quiesce: it has resumed). */
  | 'None'
  /** Requested; the Deployment is being scaled to zero or pods are still terminating. */
  | 'Quiescing'
  /** No pod of the Deployment is left; the app is held at zero. */
  | 'Quiesced'
  /** Released; the controller is bringing the app back. */
  | 'Resuming';

/** Parses the quiesce annotation; undefined when absent. Throws when it is present but malformed. */
export function parseQuiesceRequest(app: PlannerApp): QuiesceRequest | undefined {
  const text = app.metadata?.annotations?.[quiesceAnnotation];
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`annotation ${quiesceAnnotation} is not valid JSON`, { cause: error });
  }
  if (!isQuiesceRequest(value)) {
    throw new Error(`annotation ${quiesceAnnotation} lacks holder, purpose, requestTime or savedReplicas`);
  }
  return value;
}

function isQuiesceRequest(value: unknown): value is QuiesceRequest {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.holder === 'string' &&
    (record.purpose === 'Restore' || record.purpose === 'Maintenance') &&
    typeof record.requestTime === 'string' &&
    typeof record.savedReplicas === 'number' &&
    record.savedReplicas >= 0
  );
}

/** Phase of the app's quiesce from its annotation and the status the controller wrote. */
export function quiescePhaseOf(app: PlannerApp, request: QuiesceRequest | undefined): QuiescePhase {
  if (request === undefined) return 'None';
  if (request.release === true) return 'Resuming';
  const status = app.status?.quiesce;
  const observed = status?.holder === request.holder && status.quiescedTime !== undefined;
  return observed ? 'Quiesced' : 'Quiescing';
}

/**
 * Replica count an app resumes at: the saved count, raised to the schedule floor in force now and
 * capped by the ceiling; an app saved at zero comes back at the floor.
 */
export function resumeReplicas(savedReplicas: number, effectiveMin: number, effectiveMax: number): number {
  return Math.min(Math.max(savedReplicas, effectiveMin), Math.max(effectiveMax, effectiveMin));
}
