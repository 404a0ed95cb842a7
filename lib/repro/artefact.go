package repro

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"eqpo/lib/train"
)

// Artefact is one reproduced table or figure set.
type Artefact struct {
	Name        string   `json:"name"`        // results/<name>/
	Description string   `json:"description"` // one line for the README
	Kind        string   `json:"kind"`        // "methods" (rows = methods) or "variants" (rows = variants)
	Methods     []string `json:"methods"`
	Seeds       []uint64 `json:"seeds"`
	// Spec is the base run spec (JSON over train.DefaultSpec).
	Spec json.RawMessage `json:"spec"`
	// Variants are named spec overrides (JSON merged over Spec); rows of an
	// ablation table.
	Variants []Variant `json:"variants,omitempty"`
	// Targets are the methods (or variants) whose paired p-values against
	// every other row are reported.
	Targets []string `json:"targets,omitempty"`
	// Figures to draw: "trajectory", "per_dataset", "clusters", "overhead", "modality".
	Figures []string `json:"figures,omitempty"`
}

// Variant is a named override of the base spec.
type Variant struct {
	Name     string          `json:"name"`
	Override json.RawMessage `json:"override"`
}

// LoadArtefact reads an artefact file; unknown fields are errors.
func LoadArtefact(path string) (*Artefact, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a Artefact
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if a.Name == "" {
		a.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if a.Kind == "" {
		a.Kind = "methods"
	}
	if len(a.Seeds) == 0 || len(a.Methods) == 0 {
		return nil, fmt.Errorf("%s: seeds and methods must not be empty", path)
	}
	if len(a.Variants) == 0 {
		a.Variants = []Variant{{Name: "default"}}
	}
	return &a, nil
}

// Specs expands the artefact into one resolved spec per (variant, method, seed).
func (a *Artefact) Specs() ([]train.Spec, error) {
	var out []train.Spec
	for _, v := range a.Variants {
		for _, m := range a.Methods {
			for _, seed := range a.Seeds {
				// Base spec, then the method, then the variant (which may
				// change the method, e.g. a GRPO reference row).
				s := train.DefaultSpec()
				if err := decodeOver(&s, a.Spec); err != nil {
					return nil, fmt.Errorf("artefact %s: spec: %v", a.Name, err)
				}
				s.Method = m
				if err := decodeOver(&s, v.Override); err != nil {
					return nil, fmt.Errorf("artefact %s, variant %s: %v", a.Name, v.Name, err)
				}
				s.Seed = seed
				s.Name = runName(v.Name, m, seed)
				if err := s.Resolve(); err != nil {
					return nil, fmt.Errorf("artefact %s, run %s: %v", a.Name, s.Name, err)
				}
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// Artefacts lists the artefact files of a suite folder (experiments/ or ablations/).
func Artefacts(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no artefact files (*.json)", dir)
	}
	return files, nil
}

func decodeOver(s *train.Spec, layer json.RawMessage) error {
	if len(layer) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(layer))
	dec.DisallowUnknownFields()
	return dec.Decode(s)
}

// runName names a run by its variant, the artefact's method and its seed.
func runName(variant, method string, seed uint64) string {
	return fmt.Sprintf("%s-%s-s%d", variant, method, seed)
}
