package handlers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLoneSurrogate holds the check for half surrogate pairs to what
// encoding/json does with them: a JSON string holding no U+FFFD of its own
// decodes to one exactly when loneSurrogate finds a lone half, so no text
// the client never wrote is stored and no real character is refused.
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"plain"`, `"\ud800"`, `"\udc00"`, `"\ud83d\ude00"`, `"\ud83d\u0041"`, `"\\ud800"`,
		`"\\\ud800"`, `"\ud83d\\ude00"`, `"\uD83D\uDE00"`, `"x\ud83d"`, `"\u12"`, `"é\u00e9"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var s string
		if !utf8.ValidString(body) || json.Unmarshal([]byte(body), &s) != nil {
			return
		}
		// A U+FFFD the client wrote, raw or escaped, is theirs.
		if strings.ContainsRune(body, utf8.RuneError) || bytes.Contains(bytes.ToLower([]byte(body)), []byte(`\ufffd`)) {
			return
		}
		if got, want := loneSurrogate([]byte(body)), strings.ContainsRune(s, utf8.RuneError); got != want {
			t.Fatalf("loneSurrogate(%s) = %v, but decoding gives %q", body, got, s)
		}
	})
}
