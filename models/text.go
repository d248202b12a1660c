package models

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SingleLine reports whether s may fill a one-line field: a title, a name,
// an organization, a partner. It must be valid UTF-8 without control
// characters (tabs and line breaks included), format characters (category
// Cf: zero-width spaces and joiners, soft hyphens, bidirectional marks,
// embeddings, overrides and isolates) or line and paragraph separators,
// since any of them can hide or reorder what a reader sees.
func SingleLine(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, hiddenOrBreak)
}

// MultiLine reports whether s may fill a long text: a summary, a
// description, a nomination's answers, a reason, a comment. It holds as
// SingleLine, except that lines may break with "\n" or "\r\n"; no other
// control character (a lone "\r", a tab) is allowed.
func MultiLine(s string) bool {
	return SingleLine(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", ""), "\n", ""))
}

func hiddenOrBreak(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}
