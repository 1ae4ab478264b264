{{/*
The rules the operator needs in every namespace it watches, shared by its ClusterRole (all namespaces)
and its per-namespace Roles (operator.watchNamespaces). No wildcards: each rule names its resources and
verbs.
- PlannerApp, PlannerBackup, PlannerRestore: watch them, add and remove finalizers, write status.
- PlannerBackups: create, because a restore first takes a safety backup through a PlannerBackup of its own.
- HorizontalPodAutoscalers: the PlannerApp controller creates, updates and deletes the one it owns.
- Deployments and their scale: read the workload, and scale it to zero and back around a restore.
- Secrets: read the database and S3 credentials that the resources reference.
- Jobs, Pods and pod logs: run backup and restore Jobs and read their result and failure output.
- Events: report transitions to `kubectl describe`.
- Leases: the per-app lock that keeps a backup and a restore of one app from overlapping.
- PersistentVolumeClaims: check that a backup's claim exists before starting a Job on it.
*/}}
{{- define "planner.operator.rules" -}}
- apiGroups: ["planner.bbcagents.io"]
  resources: ["plannerapps", "plannerbackups", "plannerrestores"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["planner.bbcagents.io"]
  resources: ["plannerbackups"]
  verbs: ["create"]
- apiGroups: ["planner.bbcagents.io"]
  resources: ["plannerapps/status", "plannerbackups/status", "plannerrestores/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["planner.bbcagents.io"]
  resources: ["plannerapps/finalizers", "plannerbackups/finalizers", "plannerrestores/finalizers"]
  verbs: ["update"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["apps"]
  resources: ["deployments/scale"]
  verbs: ["get", "update", "patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get"]
{{- end }}
