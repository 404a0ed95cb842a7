package backend

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Each case runs in a child process: Get caches the backend once per process.
func TestMain(m *testing.M) {
	if os.Getenv("EQPO_BACKEND_CHILD") == "1" {
		b, err := Get()
		if err != nil {
			os.Stdout.WriteString("error: " + err.Error())
			os.Exit(0)
		}
		os.Stdout.WriteString("backend: " + b.Name())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func child(t *testing.T, env ...string) string {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), "EQPO_BACKEND_CHILD=1"), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestDefaultIsPureGo(t *testing.T) {
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "GOMLX_BACKEND=") {
			env = append(env, e)
		}
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(env, "EQPO_BACKEND_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "backend: ") || strings.Contains(strings.ToLower(string(out)), "xla") {
		t.Fatalf("unset GOMLX_BACKEND gave %q, want the pure-Go backend", out)
	}
}

func TestRefusesDeadlockingParallelism(t *testing.T) {
	if out := child(t, "GOMLX_BACKEND=go:parallelism=2"); !strings.Contains(out, "deadlocks") {
		t.Fatalf("go:parallelism=2 must be refused, got %q", out)
	}
}

func TestXLANeedsTheTag(t *testing.T) {
	if xlaLinked {
		t.Skip("built with -tags xla")
	}
	if out := child(t, "GOMLX_BACKEND=xla:cuda"); !strings.Contains(out, "without -tags xla") {
		t.Fatalf("xla without the tag must be refused, got %q", out)
	}
}
