# Shared settings for every set-up script, Make target and .ci/run.
# Source it; it sets the pinned versions, the cache folder and PATH.

PLANNER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PLANNER_ROOT

# The cache holds Node.js and the Go-built binaries. It is git-ignored and
# reused when present; PLANNER_CACHE_DIR moves it outside the checkout so
# several clones (and CI runs) share one warm cache.
export PLANNER_CACHE_DIR="${PLANNER_CACHE_DIR:-$PLANNER_ROOT/.cache}"

export PLANNER_NODE_VERSION="24.22.3"
export PLANNER_KUBERNETES_VERSION="v1.36.3"
export PLANNER_ETCD_VERSION="v3.6.8"
export PLANNER_HELM_VERSION="v4.3.2"

export PATH="$PLANNER_CACHE_DIR/node/bin:$PLANNER_CACHE_DIR/bin:$PLANNER_ROOT/node_modules/.bin:$PATH"
