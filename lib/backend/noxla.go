//go:build !xla

package backend

const xlaLinked = false
