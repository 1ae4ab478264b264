#!/usr/bin/env bash
# Builds the pinned test tools from the Go module proxy into the cache:
# kube-apiserver, kube-controller-manager and kubectl (test/tools/kube),
# etcd (test/tools/etcd), helm, and SeaweedFS's weed (test/tools/s3), the
# S3-compatible server of the storage tests. A tool whose stamp matches its pinned
# version is reused. With KUBEBUILDER_ASSETS set, the control-plane programs
# found there are used instead and only the missing ones are built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bin="$PLANNER_CACHE_DIR/bin"
mkdir -p "$bin"

# Go may be asked for a newer toolchain by a pinned module; fail loudly, never download silently.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

if ! command -v go >/dev/null; then
  echo "setup-tools: the go command is missing; install Go 1.26 or later (Debian: apt-get install golang) and retry" >&2
  exit 1
fi

is_current() {
  local tool="$1" version="$2"
  if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/$tool" ]]; then return 0; fi
  [[ -x "$bin/$tool" && "$(cat "$bin/.$tool.version" 2>/dev/null)" == "$version" ]]
}

stamp() { echo "$2" > "$bin/.$1.version"; }

timed() {
  local label="$1"; shift
  local start=$SECONDS
  echo "setup-tools: building $label"
  "$@"
  echo "setup-tools: built $label in $((SECONDS - start)) s"
}

build_kube() {
  local minor="${PLANNER_KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$PLANNER_KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  done
  (cd "$PLANNER_ROOT/test/tools/kube" && go build -trimpath -ldflags="$ldflags" -o "$bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl)
  for tool in kube-apiserver kube-controller-manager kubectl; do stamp "$tool" "$PLANNER_KUBERNETES_VERSION"; done
}

build_etcd() {
  (cd "$PLANNER_ROOT/test/tools/etcd" && go build -trimpath -ldflags="-s -w" -o "$bin/etcd" .)
  stamp etcd "$PLANNER_ETCD_VERSION"
}

build_helm() {
  GOBIN="$bin" go install -trimpath -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$PLANNER_HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@$PLANNER_HELM_VERSION"
  stamp helm "$PLANNER_HELM_VERSION"
}

# The SeaweedFS pseudo-version pinned in test/tools/s3/go.mod.
seaweedfs_version="$(awk '{ for (i = 1; i < NF; i++) if ($i == "github.com/seaweedfs/seaweedfs") { print $(i + 1); exit } }' \
  "$PLANNER_ROOT/test/tools/s3/go.mod")"

build_weed() {
  (cd "$PLANNER_ROOT/test/tools/s3" && go build -trimpath -ldflags="-s -w" -o "$bin/weed" github.com/seaweedfs/seaweedfs/weed)
  stamp weed "$seaweedfs_version"
}

total_start=$SECONDS
if ! { is_current kube-apiserver "$PLANNER_KUBERNETES_VERSION" && is_current kube-controller-manager "$PLANNER_KUBERNETES_VERSION" && is_current kubectl "$PLANNER_KUBERNETES_VERSION"; }; then
  timed "Kubernetes $PLANNER_KUBERNETES_VERSION (kube-apiserver, kube-controller-manager, kubectl)" build_kube
fi
is_current etcd "$PLANNER_ETCD_VERSION" || timed "etcd $PLANNER_ETCD_VERSION" build_etcd
is_current helm "$PLANNER_HELM_VERSION" || timed "helm $PLANNER_HELM_VERSION" build_helm
is_current weed "$seaweedfs_version" || timed "SeaweedFS $seaweedfs_version (weed)" build_weed
echo "setup-tools: tools ready in $bin ($((SECONDS - total_start)) s)"
