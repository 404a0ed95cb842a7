package data

import (
	"bufio"
	"bytes"
	"io"
)

// ReadJSONLines calls fn for each non-blank line of a JSONL stream with its
// 1-based line number; lines up to 64 MiB. A read error is an InputError
// naming the file and the line it stopped at.
func ReadJSONLines(r io.Reader, name string, fn func(line int, text []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if err := fn(line, text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &InputError{File: name, Line: line + 1, Msg: err.Error()}
	}
	return nil
}
