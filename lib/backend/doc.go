// Package backend chooses the GoMLX compute backend. The pure-Go backend
// ("go") is the default and needs no cgo and no download. The XLA backend is
// linked only in builds with `-tags xla` and is chosen with
// GOMLX_BACKEND=xla:cuda (or xla:cpu) on a machine that has the PJRT plugin
// (PJRT_PLUGIN_LIBRARY_PATH). An unset GOMLX_BACKEND never selects XLA, so it
// never tries to download a plugin (stack.md section 1).
//
// Do not set GOMLX_BACKEND=go:parallelism=2: it deadlocks in compute v0.1.2.
package backend
