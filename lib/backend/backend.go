package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers "go"
)

var (
	once   sync.Once
	shared compute.Backend
	err    error
)

// Get returns the process-wide backend, creating it on first use.
func Get() (compute.Backend, error) {
	once.Do(func() {
		cfg, set := os.LookupEnv(compute.ConfigEnvVar)
		if !set || cfg == "" {
			cfg = "go"
		}
		if strings.HasPrefix(cfg, "go:parallelism=2") {
			err = fmt.Errorf("%s=%s deadlocks in gomlx/compute v0.1.2; use go, go:parallelism=1 or >= 3", compute.ConfigEnvVar, cfg)
			return
		}
		if strings.HasPrefix(cfg, "xla") && !xlaLinked {
			err = fmt.Errorf("%s=%s but this binary was built without -tags xla", compute.ConfigEnvVar, cfg)
			return
		}
		compute.DefaultConfig = cfg
		shared, err = compute.NewWithConfig(cfg)
	})
	return shared, err
}

// MustGet is Get for programs and tests that cannot go on without one.
func MustGet() compute.Backend {
	b, e := Get()
	if e != nil {
		panic(e)
	}
	return b
}
