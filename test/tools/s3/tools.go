//go:build tools

// Package tools pins SeaweedFS, whose `weed mini` command is the
// S3-compatible server of planner's storage tests. It is never compiled
// into planner itself.
package tools

import _ "github.com/seaweedfs/seaweedfs/weed"
