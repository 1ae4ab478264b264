import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { quiesceAnnotation } from '../api/constants.ts';
import type { PlannerApp } from '../api/generated.ts';
import { resourceTypes } from '../api/resources.ts';
import type { KubeClient } from '../runtime/client.ts';
import {
  parseQuiesceRequest,
  quiescePhaseOf,
  type QuiescePhase,
  type QuiescePurpose,
  type QuiesceRequest,
} from './request.ts';

/** Where an app's quiesce stands, and the request behind it. */
export interface QuiesceState {
  phase: QuiescePhase;
  request: QuiesceRequest | undefined;
}

/** Thrown when a different holder already quiesces the app. */
export class QuiesceHeldError extends Error {
  readonly holder: string;

  constructor(app: string, holder: string) {
    super(`PlannerApp ${app} is already quiesced by ${holder}; wait until it is released`);
    this.name = 'QuiesceHeldError';
    this.holder = holder;
  }
}

/** Parameters of {@link requestQuiesce}. */
export interface QuiesceParams {
  namespace: string;
  app: string;
  holder: string;
  purpose: QuiescePurpose;
  now: Date;
}

/**
 * Asks the PlannerApp controller to scale the app to zero and hold it, recording the state to
 * resume to. Idempotent for the same holder: a repeated call returns the existing request
 * unchanged (so the saved state is the one from before the first call). Throws
 * QuiesceHeldError for another holder, ApiError 404 when the app does not exist, and ApiError 409
 * when the PlannerApp changed meanwhile (retry).
 */
export async function requestQuiesce(client: KubeClient, params: QuiesceParams): Promise<QuiesceRequest> {
  const app = await client.get<PlannerApp>(resourceTypes.plannerApp, params.namespace, params.app);
  const existing = parseQuiesceRequest(app);
  if (existing !== undefined) {
    if (existing.holder !== params.holder) throw new QuiesceHeldError(params.app, existing.holder);
    return existing;
  }
  const request = await captureState(client, app, params);
  await client.patch(resourceTypes.plannerApp, params.namespace, params.app, {
    metadata: {
      resourceVersion: app.metadata?.resourceVersion,
      annotations: { [quiesceAnnotation]: JSON.stringify(request) },
    },
  });
  return request;
}

/** Reads where the app's quiesce stands. Throws ApiError 404 when the app does not exist. */
export async function getQuiesceState(client: KubeClient, namespace: string, app: string): Promise<QuiesceState> {
  const object = await client.get<PlannerApp>(resourceTypes.plannerApp, namespace, app);
  const request = parseQuiesceRequest(object);
  return { phase: quiescePhaseOf(object, request), request };
}

/**
 * Lets the app resume. Returns true when it marked the request released (or it already was), and
 * false when holder holds no quiesce on the app (nothing to do, so repeating it is safe).
 */
export async function releaseQuiesce(
  client: KubeClient,
  params: { namespace: string; app: string; holder: string },
): Promise<boolean> {
  const app = await client.find<PlannerApp>(resourceTypes.plannerApp, params.namespace, params.app);
  const request = app === undefined ? undefined : parseQuiesceRequest(app);
  if (request === undefined || request.holder !== params.holder) return false;
  if (request.release === true) return true;
  await client.patch(resourceTypes.plannerApp, params.namespace, params.app, {
    metadata: {
      resourceVersion: app?.metadata?.resourceVersion,
      annotations: { [quiesceAnnotation]: JSON.stringify({ ...request, release: true }) },
    },
  });
  return true;
}

async function captureState(client: KubeClient, app: PlannerApp, params: QuiesceParams): Promise<QuiesceRequest> {
  const deployment = await client.find<V1Deployment>(
    resourceTypes.deployment,
    params.namespace,
    app.spec.workloadRef.name,
  );
  const hpaName = app.status?.hpaName ?? params.app;
  const hpa = await client.find<V2HorizontalPodAutoscaler>(resourceTypes.hpa, params.namespace, hpaName);
  return {
    holder: params.holder,
    purpose: params.purpose,
    requestTime: params.now.toISOString(),
    savedReplicas: deployment?.spec?.replicas ?? app.spec.replicas.min,
    ...(hpa?.spec === undefined
      ? {}
      : { savedMinReplicas: hpa.spec.minReplicas ?? 1, savedMaxReplicas: hpa.spec.maxReplicas }),
  };
}
