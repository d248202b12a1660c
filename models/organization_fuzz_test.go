package models_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/wsis-platform/wsis/models"
)

// FuzzOrganizationKey holds the organization identity to its promises for
// any input, invalid UTF-8 included: no panic; the key is valid UTF-8 in
// NFC with no spaces and no invisible characters; invisible characters and
// spaces around a name, and ASCII case, do not change it.
func FuzzOrganizationKey(f *testing.F) {
	for _, s := range []string{"", "Digital Sahel", "DIGITAL  sahel", "\u200bOrg\u00ad", "\u041erg", "Müller", "Mu\u0308ller",
		"ﬁnance", "Ｏｒｇ", "\xff\xfe", "rn m", "Straße", "İstanbul", "\u0301\u0301", "\u202eOrg\u202c", "O\x00rg",
		"株式会社", "مؤسسة", "\ufe0f\u1160", "ǅ", strings.Repeat("a\u0301", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := models.OrganizationKey(name)
		if !utf8.ValidString(key) {
			t.Fatalf("key of %q is not valid UTF-8: %q", name, key)
		}
		if !norm.NFC.IsNormalString(key) {
			t.Fatalf("key of %q is not in NFC: %q", name, key)
		}
		for _, r := range key {
			if unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf) {
				t.Fatalf("key of %q holds %U: %q", name, r, key)
			}
		}
		if padded := models.OrganizationKey("\u200b \t" + name + "\u00a0\ufeff"); padded != key {
			t.Fatalf("invisible characters and spaces around %q change its key: %q, want %q", name, padded, key)
		}
		if ascii(name) {
			if upper := models.OrganizationKey(strings.ToUpper(name)); upper != key {
				t.Fatalf("upper case %q has key %q, want %q", name, upper, key)
			}
		}
	})
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
