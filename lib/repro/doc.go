// Package repro reproduces the paper's artefacts at workbench scale. An
// artefact file (experiments/*.json, ablations/*.json) names a base run
// spec, variants (spec overrides, for ablations), methods and seeds. Run
// trains the grid with train.Sweep, condenses each finished run into one
// line of results/<artefact>/runs.jsonl (committed: every table and figure
// is drawn from it, so a reader can trace each number without rerunning),
// then renders the tables (Markdown, CSV, LaTeX) and figures (PNG through
// headless Chromium or gonum/plot, interactive HTML) for that artefact.
package repro
