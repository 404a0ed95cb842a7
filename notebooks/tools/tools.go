// Package tools pins the notebook toolchain (GoNB, goimports, gopls) so
// `make setup` builds the same versions everywhere; see the Makefile.
package tools
