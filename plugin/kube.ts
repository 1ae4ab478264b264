import { KubeConfig } from '@kubernetes/client-node';
import type { PlannerApp, PlannerBackup } from '../operator/api/generated.ts';
import { resourceTypes } from '../operator/api/resources.ts';
import { KubeClient } from '../operator/runtime/client.ts';
import { ApiError, describeError } from '../operator/runtime/errors.ts';
import { ExitCode, PluginError } from './errors.ts';

/** Connection flags every command takes, as kubectl names them. */
export interface GlobalOptions {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

/** A client and the namespace to act in. */
export interface Session {
  client: KubeClient;
  namespace: string;
}

/**
 * Loads the user's kubeconfig as kubectl does (--kubeconfig, else KUBECONFIG, else ~/.kube/config),
 * switches to --context, and takes the namespace from -n or the context (default "default").
 */
export function openSession(options: GlobalOptions): Session {
  const kubeConfig = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kubeConfig.loadFromFile(options.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    throw new PluginError(
      `cannot read the kubeconfig: ${describeError(error)}; set --kubeconfig or KUBECONFIG`,
      ExitCode.Usage,
    );
  }
  if (options.context !== undefined) {
    if (kubeConfig.getContextObject(options.context) === null) {
      throw new PluginError(
        `context "${options.context}" not found in the kubeconfig; list them with "kubectl config get-contexts"`,
        ExitCode.Usage,
      );
    }
    kubeConfig.setCurrentContext(options.context);
  }
  const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  const namespace = options.namespace ?? contextNamespace ?? 'default';
  try {
    return { client: new KubeClient({ kubeConfig, userAgent: 'kubectl-planner' }), namespace };
  } catch (error) {
    throw new PluginError(describeError(error), ExitCode.Usage);
  }
}

/** Turns an API failure into a PluginError with a hint; other errors pass through. */
export function explainApiError(error: unknown, what: string): Error {
  if (error instanceof PluginError) return error;
  if (error instanceof ApiError) {
    if (error.statusCode === 403)
      return new PluginError(
        `not allowed to ${what}: ${error.message}; check your RBAC permissions`,
        ExitCode.ApiError,
      );
    if (error.statusCode === 404 && /the server could not find the requested resource/i.test(error.message)) {
      return new PluginError(
        `the planner CRDs are not installed in this cluster; install the planner chart first`,
        ExitCode.ApiError,
      );
    }
    return new PluginError(`failed to ${what}: ${error.message}`, ExitCode.ApiError);
  }
  const text = describeError(error);
  return new PluginError(
    `failed to ${what}: ${text}; is the cluster reachable with this kubeconfig and context?`,
    ExitCode.ApiError,
  );
}

/** Reads a PlannerApp, or fails with exit code 3 and a hint. */
export async function getApp(session: Session, name: string): Promise<PlannerApp> {
  const app = await session.client.find<PlannerApp>(resourceTypes.plannerApp, session.namespace, name);
  if (app === undefined) {
    throw new PluginError(
      `PlannerApp "${name}" not found in namespace "${session.namespace}"; list them with "kubectl get plannerapps -n ${session.namespace}"`,
      ExitCode.NotFound,
    );
  }
  return app;
}

/** Reads a PlannerBackup, or fails with exit code 3 and a hint. */
export async function getBackup(session: Session, name: string): Promise<PlannerBackup> {
  const backup = await session.client.find<PlannerBackup>(resourceTypes.plannerBackup, session.namespace, name);
  if (backup === undefined) {
    throw new PluginError(
      `PlannerBackup "${name}" not found in namespace "${session.namespace}"; list them with "kubectl get plannerbackups -n ${session.namespace}"`,
      ExitCode.NotFound,
    );
  }
  return backup;
}

/** Lists objects of a type in the session's namespace. */
export async function listObjects<T>(
  session: Session,
  type: (typeof resourceTypes)[keyof typeof resourceTypes],
): Promise<T[]> {
  const list = await session.client.list(type, session.namespace);
  return list.items as T[];
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
