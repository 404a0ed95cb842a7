package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"eqpo/lib/rl"
)

const manifestName = "MANIFEST.json"

// runState is everything outside the GoMLX store that a resumed run needs
// to continue exactly: the data order, estimator histories and clusterings,
// Group-DRO weights, and how much of trajectory.jsonl belongs before it.
type runState struct {
	Step            int                       `json:"step"` // completed RL steps
	Epoch           int                       `json:"epoch"`
	Pos             int                       `json:"pos"`
	Estimator       json.RawMessage           `json:"estimator"`
	DRO             *rl.GroupDRO              `json:"dro,omitempty"`
	TrajectoryBytes int64                     `json:"trajectory_bytes"`
	PrevClusters    map[string]map[string]int `json:"prev_clusters,omitempty"`
	Accum           trainAccum                `json:"accum"`
}

// writeManifest records the SHA-256 of every file in dir; it is written
// last (via a temporary file and a rename), so a directory without a valid
// manifest is an interrupted or corrupt save.
func writeManifest(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	sums := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == manifestName || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		s, err := fileSHA256(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		sums[e.Name()] = s
	}
	raw, _ := json.MarshalIndent(map[string]any{"sha256": sums}, "", " ")
	return writeFileAtomic(filepath.Join(dir, manifestName), raw)
}

func verifyManifest(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return fmt.Errorf("no manifest (save was interrupted?): %v", err)
	}
	var m struct {
		SHA256 map[string]string `json:"sha256"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || len(m.SHA256) == 0 {
		return fmt.Errorf("unreadable manifest")
	}
	for name, want := range m.SHA256 {
		got, err := fileSHA256(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		if got != want {
			return fmt.Errorf("%s: checksum mismatch (truncated or corrupt)", name)
		}
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeFileAtomic writes via a temporary file in the same directory, fsyncs
// and renames, so readers see the old file or the whole new one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func checkpointDirs(runDir string) []string {
	matches, _ := filepath.Glob(filepath.Join(runDir, "checkpoints", "step-*"))
	sort.Sort(sort.Reverse(sort.StringSlice(matches)))
	return matches
}

// latestValidCheckpoint returns the newest checkpoint directory that
// verifies, and a note for each newer one it skipped.
func latestValidCheckpoint(runDir string) (dir string, st *runState, skipped []string) {
	for _, d := range checkpointDirs(runDir) {
		if err := verifyManifest(d); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", filepath.Base(d), err))
			continue
		}
		raw, err := os.ReadFile(filepath.Join(d, "state.json"))
		var s runState
		if err == nil {
			err = json.Unmarshal(raw, &s)
		}
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: state.json: %v", filepath.Base(d), err))
			continue
		}
		return d, &s, skipped
	}
	return "", nil, skipped
}

// pruneCheckpoints keeps the newest keep checkpoint directories.
func pruneCheckpoints(runDir string, keep int) {
	if keep <= 0 {
		return
	}
	for i, d := range checkpointDirs(runDir) {
		if i >= keep {
			os.RemoveAll(d)
		}
	}
}
