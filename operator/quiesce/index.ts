// Quiescing holds a PlannerApp at zero replicas while something (a restore) must have the
// database to itself, and later brings the app back exactly as it was.
//
// Protocol, all state in the API server so it survives operator restarts:
// 1. The holder calls {@link requestQuiesce}. It records the Deployment's replicas and the HPA's
//    bounds in the PlannerApp's planner.bbcagents.io/quiesce annotation (one conditional write).
// 2. The PlannerApp controller scales the Deployment to zero and keeps the HPA, which the HPA
//    controller leaves alone while its target has zero replicas. Once no pod of the Deployment is
//    left (pods, not just spec.replicas), it sets status.quiesce.quiescedTime; the app's phase is
//    Quiescing, then Restoring (purpose Restore) or Quiesced.
// 3. The holder polls {@link getQuiesceState} until the phase is Quiesced, does its work, then calls
//    {@link releaseQuiesce}.
// 4. The controller scales the Deployment back to the saved replicas (raised to a schedule floor
//    in force), re-applies the HPA and removes the annotation; the phase becomes None.
// Only one holder at a time: a request by another holder fails with {@link QuiesceHeldError}.
// Callers serialize their work on the app with the per-app lock (operator/locks/) first.

export { getQuiesceState, QuiesceHeldError, releaseQuiesce, requestQuiesce } from './quiesce.ts';
export type { QuiesceParams, QuiesceState } from './quiesce.ts';
export { parseQuiesceRequest, quiescePhaseOf, resumeReplicas } from './request.ts';
export type { QuiescePhase, QuiescePurpose, QuiesceRequest } from './request.ts';
