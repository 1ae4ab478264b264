/** API group of the planner custom resources. */
export const plannerGroup = 'planner.bbcagents.io';

/** Served and stored version of the planner custom resources. */
export const plannerVersion = 'v1alpha1';

/** apiVersion of the planner custom resources, as written in manifests. */
export const plannerApiVersion = `${plannerGroup}/${plannerVersion}`;

/** Identity of a REST resource: enough to build its URL and to name it in logs. */
export interface ResourceType {
  /** API group; the empty string is the core group. */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural used in URLs, such as deployments. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** apiVersion string of a resource type, such as apps/v1 or v1. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

function planner(kind: string, plural: string): ResourceType {
  return { group: plannerGroup, version: plannerVersion, plural, kind, namespaced: true };
}

/** The resource types the operator reads or writes. */
export const resourceTypes = {
  plannerApp: planner('PlannerApp', 'plannerapps'),
  plannerBackup: planner('PlannerBackup', 'plannerbackups'),
  plannerRestore: planner('PlannerRestore', 'plannerrestores'),
  deployment: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  hpa: {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  job: { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true },
  pod: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  secret: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  namespace: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  event: { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  lease: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
} as const satisfies Record<string, ResourceType>;
