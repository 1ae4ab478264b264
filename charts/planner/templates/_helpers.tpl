{{/*
The chart name, or nameOverride; object names and the app.kubernetes.io/name label use it.
*/}}
{{- define "planner.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: fullnameOverride, or "<release>-<name>" (just the release name when it
already contains the chart name). Truncated to 45 characters so that suffixes such as "-operator-metrics"
and "-migrate-<revision>" keep names within the 63-character limit of labels.
*/}}
{{- define "planner.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The helm.sh/chart label value: "<chart>-<version>".
*/}}
{{- define "planner.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select the pods of one component. They never change between chart versions, because
Deployment and StatefulSet selectors are immutable. Call with (dict "context" $ "component" "server").
*/}}
{{- define "planner.selectorLabels" -}}
app.kubernetes.io/name: {{ include "planner.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The standard labels of an object of one component: the selector labels plus version, chart, manager,
part-of and commonLabels. Call with (dict "context" $ "component" "server").
*/}}
{{- define "planner.labels" -}}
{{ include "planner.selectorLabels" . }}
app.kubernetes.io/part-of: planner
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
helm.sh/chart: {{ include "planner.chart" .context }}
{{- with .context.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The commonAnnotations value as an "annotations:" block of top-level metadata (starting with a newline
and indented by two spaces), or nothing when it is empty. Include it with a left trim right after "labels".
*/}}
{{- define "planner.annotations" -}}
{{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end }}

{{/*
A container image reference from an image value with registry, repository, tag and digest; the tag
defaults to the chart's appVersion. Call with (dict "image" .Values.image "context" $).
*/}}
{{- define "planner.imageRef" -}}
{{- $repository := .image.repository }}
{{- if .image.registry }}
{{- $repository = printf "%s/%s" .image.registry .image.repository }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $repository .image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (toString (default .context.Chart.AppVersion .image.tag)) }}
{{- end }}
{{- end }}

{{/*
The planner image, which runs the server, the operator, the migrations and the test pod.
*/}}
{{- define "planner.image" -}}
{{- include "planner.imageRef" (dict "image" .Values.image "context" .) }}
{{- end }}

{{/*
The image of the operator's backup and restore Jobs: operator.runnerImage or the planner image.
*/}}
{{- define "planner.runnerImage" -}}
{{- default (include "planner.image" .) .Values.operator.runnerImage }}
{{- end }}

{{/*
The imagePullSecrets block of a pod spec, or nothing; indent it with nindent after trim.
*/}}
{{- define "planner.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
A checksum of the values a Secret is made from, for a pod annotation that rolls the pods when they
change. The rendered Secret cannot serve: its generated values differ between renders until lookup
finds them stored. Call with the list of values.
*/}}
{{- define "planner.valuesChecksum" -}}
{{- toJson . | sha256sum }}
{{- end }}

{{/*
Name of the server's ServiceAccount.
*/}}
{{- define "planner.server.serviceAccountName" -}}
{{- if .Values.server.serviceAccount.create }}
{{- default (printf "%s-server" (include "planner.fullname" .)) .Values.server.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.server.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the operator's ServiceAccount.
*/}}
{{- define "planner.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (printf "%s-operator" (include "planner.fullname" .)) .Values.operator.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the Lease through which operator replicas elect a leader.
*/}}
{{- define "planner.operator.leaseName" -}}
{{- default (printf "%s-operator" (include "planner.fullname" .)) .Values.operator.leaderElection.id }}
{{- end }}

{{/*
Name of the Secret with the token secret: server.existingSecret or the chart's server Secret.
*/}}
{{- define "planner.server.secretName" -}}
{{- default (printf "%s-server" (include "planner.fullname" .)) .Values.server.existingSecret }}
{{- end }}

{{/*
Name of the Secret with the database connection in the keys that PlannerApp and the server read
(host, port, database, username, password, or url): externalDatabase.existingSecret or the chart's.
*/}}
{{- define "planner.database.secretName" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret }}
{{- .Values.externalDatabase.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "planner.fullname" .) }}
{{- end }}
{{- end }}

{{/*
True (non-empty) when the database Secret holds one postgres:// URL in key url instead of separate fields.
*/}}
{{- define "planner.database.usesUrl" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret (eq .Values.externalDatabase.connectionKeys "url") }}true{{ end }}
{{- end }}

{{/*
Name of the PostgreSQL StatefulSet and of its client Service.
*/}}
{{- define "planner.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "planner.fullname" .) }}
{{- end }}

{{/*
The database host the chart writes into its database Secret: the in-cluster PostgreSQL Service or
externalDatabase.host.
*/}}
{{- define "planner.database.host" -}}
{{- if .Values.postgresql.enabled }}
{{- printf "%s.%s.svc" (include "planner.postgresql.fullname" .) .Release.Namespace }}
{{- else }}
{{- .Values.externalDatabase.host }}
{{- end }}
{{- end }}

{{/*
Environment variables that give a container the database connection from the database Secret:
DATABASE_URL from key url, or PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD from the separate keys.
The server, the migrations and pg_isready all read these names.
*/}}
{{- define "planner.database.env" -}}
{{- $secret := include "planner.database.secretName" . }}
{{- if include "planner.database.usesUrl" . }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: url
{{- else }}
{{- range $variable, $key := dict "PGHOST" "host" "PGPORT" "port" "PGDATABASE" "database" "PGUSER" "username" "PGPASSWORD" "password" }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A generated secret value that survives upgrades: the value already stored under key in the named
Secret when the cluster has one (lookup), otherwise 32 random alphanumerics. `helm template` and
client-side dry runs cannot look up, so they print a new random value each time.
Call with (dict "context" $ "secret" NAME "key" KEY).
*/}}
{{- define "planner.persistentRandom" -}}
{{- $existing := lookup "v1" "Secret" .context.Release.Namespace .secret }}
{{- if and $existing (hasKey (default dict $existing.data) .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 32 }}
{{- end }}
{{- end }}

{{/*
The password of the planner database user when the chart creates the database Secret.
*/}}
{{- define "planner.database.password" -}}
{{- if .Values.postgresql.enabled }}
{{- if .Values.postgresql.auth.password }}
{{- .Values.postgresql.auth.password }}
{{- else }}
{{- include "planner.persistentRandom" (dict "context" . "secret" (include "planner.database.secretName" .) "key" "password") }}
{{- end }}
{{- else }}
{{- .Values.externalDatabase.password }}
{{- end }}
{{- end }}

{{/*
Topology spread constraints of a component: the user's list, or soft spreading across zones and
nodes by the component's selector labels. Call with (dict "context" $ "component" "server"
"constraints" .Values.server.topologySpreadConstraints).
*/}}
{{- define "planner.topologySpread" -}}
{{- if .constraints }}
{{- toYaml .constraints }}
{{- else }}
{{- $selector := include "planner.selectorLabels" . | fromYaml }}
{{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
- maxSkew: 1
  topologyKey: {{ $key }}
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- toYaml $selector | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end }}
{{- end }}

{{/*
Checks value combinations that the schema cannot express and stops rendering with a message that names
the values to change. validate.yaml includes it, so every render runs the checks.
*/}}
{{- define "planner.validate" -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalDatabase.existingSecret) (not .Values.externalDatabase.host) }}
{{- fail "postgresql.enabled=false needs an external database: set externalDatabase.existingSecret (a Secret with host, port, database, username and password keys) or externalDatabase.host and externalDatabase.password" }}
{{- end }}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalDatabase.existingSecret) (not .Values.externalDatabase.password) }}
{{- fail "externalDatabase.password is empty: set it, or put the connection in a Secret and name it in externalDatabase.existingSecret" }}
{{- end }}
{{- if and (eq .Values.externalDatabase.connectionKeys "url") (not .Values.externalDatabase.existingSecret) }}
{{- fail "externalDatabase.connectionKeys=url describes the keys of externalDatabase.existingSecret, which is not set: name the Secret that holds the url key, or set connectionKeys back to fields" }}
{{- end }}
{{- if and .Values.postgresql.enabled .Values.externalDatabase.existingSecret }}
{{- fail "externalDatabase.existingSecret is set while postgresql.enabled=true: set postgresql.enabled=false to use the external database, or clear externalDatabase.existingSecret" }}
{{- end }}
{{- if and .Values.migrations.enabled (eq .Values.migrations.strategy "hook") (or .Values.postgresql.enabled (not .Values.externalDatabase.existingSecret)) }}
{{- fail "migrations.strategy=hook runs before the release creates any object, so the database and its Secret must already exist: set postgresql.enabled=false and externalDatabase.existingSecret, or use migrations.strategy=job" }}
{{- end }}
{{- if and .Values.server.tokenSecret (lt (len .Values.server.tokenSecret) 32) }}
{{- fail "server.tokenSecret must be at least 32 characters long: use a longer random value, or leave it empty to generate one" }}
{{- end }}
{{- if and .Values.server.existingSecret .Values.server.llm.apiKey (not .Values.server.llm.existingSecret) }}
{{- fail "server.llm.apiKey is set, but with server.existingSecret the chart creates no server Secret to hold it: put the key in a Secret and name it in server.llm.existingSecret" }}
{{- end }}
{{- if and .Values.server.pdb.enabled (not (kindIs "invalid" .Values.server.pdb.minAvailable)) (not (kindIs "invalid" .Values.server.pdb.maxUnavailable)) }}
{{- fail "server.pdb sets both minAvailable and maxUnavailable: a PodDisruptionBudget takes only one, so set the other to null" }}
{{- end }}
{{- if and .Values.backup.enabled (not .Values.plannerApp.enabled) }}
{{- fail "backup.enabled=true needs plannerApp.enabled=true, because a PlannerBackup names the PlannerApp whose database it dumps: enable the PlannerApp or set backup.enabled=false" }}
{{- end }}
{{- if and .Values.backup.enabled (eq .Values.backup.storage.kind "s3") (or (not .Values.backup.storage.s3.bucket) (not .Values.backup.storage.s3.credentialsSecret)) }}
{{- fail "backup.storage.kind=s3 needs backup.storage.s3.bucket and backup.storage.s3.credentialsSecret (a Secret with the access key id and secret access key)" }}
{{- end }}
{{- if and .Values.backup.enabled (eq .Values.backup.storage.kind "pvc") (not .Values.backup.storage.pvc.create) (not .Values.backup.storage.pvc.claimName) }}
{{- fail "backup.storage.pvc.create=false needs backup.storage.pvc.claimName, the existing claim to write dumps to" }}
{{- end }}
{{- if and .Values.plannerApp.enabled (gt (int .Values.plannerApp.replicas.min) (int .Values.plannerApp.replicas.max)) }}
{{- fail (printf "plannerApp.replicas.min (%d) is greater than plannerApp.replicas.max (%d)" (int .Values.plannerApp.replicas.min) (int .Values.plannerApp.replicas.max)) }}
{{- end }}
{{- if and (or .Values.plannerApp.enabled .Values.backup.enabled) (not .Values.crds.enabled) (not (include "planner.crdsServed" .)) }}
{{- fail "plannerApp.enabled or backup.enabled needs the planner CRDs, but crds.enabled=false and the cluster does not serve planner.bbcagents.io/v1alpha1: install the CRDs first, set crds.enabled=true, or with helm template pass --api-versions planner.bbcagents.io/v1alpha1/PlannerApp --api-versions planner.bbcagents.io/v1alpha1/PlannerBackup" }}
{{- end }}
{{- end }}

{{/*
The major version of the bundled PostgreSQL image tag (17 for "17.6"), or 0 when the tag does not start
with a number.
*/}}
{{- define "planner.postgresql.major" -}}
{{- $match := regexFind "^[0-9]+" (toString .Values.postgresql.image.tag) }}
{{- if $match }}{{ $match }}{{ else }}0{{ end }}
{{- end }}

{{/*
True (non-empty) when the cluster already serves the planner API, so the PlannerApp and PlannerBackup
can be ordinary release objects. On a first install that brings the CRDs itself, Helm maps every object
of the release before creating any, and would reject kinds that the cluster does not know yet.
*/}}
{{- define "planner.crdsServed" -}}
{{- if and (.Capabilities.APIVersions.Has "planner.bbcagents.io/v1alpha1/PlannerApp") (.Capabilities.APIVersions.Has "planner.bbcagents.io/v1alpha1/PlannerBackup") }}true{{ end }}
{{- end }}

{{/*
Metadata lines for a PlannerApp or PlannerBackup. When the cluster does not serve the planner API yet,
the object becomes a post-install hook, which Helm creates after the CRDs; it carries Helm's ownership
annotations so that the next upgrade, which renders it as an ordinary object, adopts it in place.
*/}}
{{- define "planner.customResourceAnnotations" -}}
{{- if not (include "planner.crdsServed" .) }}
helm.sh/hook: post-install,post-upgrade
helm.sh/hook-weight: "5"
meta.helm.sh/release-name: {{ .Release.Name }}
meta.helm.sh/release-namespace: {{ .Release.Namespace }}
{{- end }}
{{- with .Values.commonAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
