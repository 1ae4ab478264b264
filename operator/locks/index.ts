export { acquireAppLock, appLockName, readAppLock, releaseAppLock } from './app-lock.ts';
export type { AppLockRequest, AppLockResult, AppLockState } from './app-lock.ts';
