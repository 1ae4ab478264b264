export { InformerCache, type CacheReader } from './cache.ts';
export { KubeClient } from './client.ts';
export { systemClock, TestClock, type Clock } from './clock.ts';
export { findCondition, isConditionTrue, removeCondition, setCondition, type ConditionInput } from './conditions.ts';
export { requeueAfter, type ControllerDefinition, type ReconcileContext, type ReconcileResult } from './controller.ts';
export { ApiError, describeError, isAlreadyExists, isConflict, isGone, isNotFound, NotLeaderError } from './errors.ts';
export type { EventRecorder, EventType } from './events.ts';
export { createLogger } from './logger.ts';
export { Manager, type ManagerOptions } from './manager.ts';
export { keyOf, parseKey, type KubeObject, type ObjectKey } from './objects.ts';
export {
  applyIfChanged,
  controllerReference,
  fieldManager,
  isControlledBy,
  isSubset,
  updateStatusIfChanged,
} from './writes.ts';
