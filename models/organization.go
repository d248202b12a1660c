package models

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// caseFold is Unicode full case folding (ß → ss), stronger than the
// lower-casing of the PRECIS Nickname profile.
var caseFold = cases.Fold()

// OrganizationKey is an organization's identity (SPEC §5): two names with
// the same key are the same organization, for the one nomination per
// organization per category and for reviewers' conflicts of interest. The
// key ignores
//   - compatibility forms (NFKC: full-width letters, ligatures, superscripts),
//   - invisible characters: controls (NUL included), format characters
//     (zero-width spaces and joiners, word joiners, soft hyphens,
//     bidirectional marks and overrides) and other default-ignorable code
//     points such as variation selectors and Hangul fillers,
//   - spaces of any kind and their number,
//   - case (the PRECIS Nickname profile of RFC 8266, then full case folding),
//   - mixed-script look-alikes: the UTS #39 confusable skeleton maps a
//     Cyrillic "О" and a Latin "O", or "rn" and "m", to one form.
//
// Genuinely different letters, accents included ("Müller" and "Muller"),
// keep names apart. The key is for comparing only, never for showing; it
// depends on the Unicode tables of golang.org/x/text and of the confusables
// data, so stored keys are recomputed at start (store.MigrateSlots).
func OrganizationKey(name string) string {
	s := norm.NFKC.String(strings.ToValidUTF8(name, ""))
	s = strings.Map(func(r rune) rune {
		if invisible(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if key, err := precis.Nickname.CompareKey(s); err == nil {
		s = key
	}
	// The skeleton maps some letters to capitals ("0" → "O") and folding can
	// make new look-alikes, so fold, take the skeleton, and fold again.
	s = caseFold.String(confusables.Skeleton(caseFold.String(s)))
	return norm.NFC.String(s)
}

// invisible reports whether r shows nothing by itself: a control, a format
// character (category Cf) or another default-ignorable code point.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}
