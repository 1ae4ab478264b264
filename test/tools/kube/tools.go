//go:build tools

// Package tools pins the Kubernetes control-plane programs that the test
// harness builds. It is never compiled into planner itself.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
