package models_test

import (
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestSingleLine_RefusesControlFormatAndBidiCharacters(t *testing.T) {
	for _, tc := range []struct {
		name, s string
		want    bool
	}{
		{"plain", "Digital Sahel", true},
		{"accents and other scripts", "Fundación Señal · مؤسسة · 数字 · Связь", true},
		{"emoji with variation selector", "Green ♻\ufe0f", true},
		{"line feed", "Digital\nSahel", false},
		{"carriage return", "Digital\rSahel", false},
		{"tab", "Digital\tSahel", false},
		{"NUL", "Org\x00", false},
		{"DEL", "Org\x7f", false},
		{"C1 control", "Org\u0085", false},
		{"zero-width space", "\u200bOrg", false},
		{"soft hyphen", "Org\u00ad", false},
		{"word joiner", "O\u2060rg", false},
		{"right-to-left override", "Org\u202egpj.exe", false},
		{"left-to-right isolate", "Org\u2066x\u2069", false},
		{"right-to-left mark", "Org\u200f", false},
		{"byte order mark", "\ufeffOrg", false},
		{"line separator", "Org\u2028", false},
		{"paragraph separator", "Org\u2029", false},
		{"invalid UTF-8", "Org\xff", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := models.SingleLine(tc.s); got != tc.want {
				t.Fatalf("SingleLine(%+q) = %v, want %v", tc.s, got, tc.want)
			}
		})
	}
}

func TestMultiLine_AllowsLineBreaksOnly(t *testing.T) {
	for _, tc := range []struct {
		name, s string
		want    bool
	}{
		{"one line", "A project.", true},
		{"line feeds", "First.\n\nSecond.\n", true},
		{"CRLF", "First.\r\nSecond.\r\n", true},
		{"lone carriage return", "First.\rSecond.", false},
		{"tab", "First.\tSecond.", false},
		{"NUL", "First.\x00", false},
		{"vertical tab", "First.\vSecond.", false},
		{"form feed", "First.\fSecond.", false},
		{"zero-width space", "First.\u200b", false},
		{"right-to-left override", "First \u202esdrawkcab", false},
		{"line separator", "First.\u2028Second.", false},
		{"invalid UTF-8", "First.\xc3", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := models.MultiLine(tc.s); got != tc.want {
				t.Fatalf("MultiLine(%+q) = %v, want %v", tc.s, got, tc.want)
			}
		})
	}
}
