package locale_test

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/static"
)

func load(t *testing.T) *locale.Catalogues {
	t.Helper()
	c, err := locale.Load(static.Catalogues)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// keys reads the message ids of one language's catalogue files and which
// of them are plural (an object of CLDR forms rather than a string). An id
// in two files of one language fails the test.
func keys(t *testing.T, code string) (all []string, plural map[string]bool) {
	t.Helper()
	files, err := locale.Files(static.Catalogues, code)
	if err != nil {
		t.Fatal(err)
	}
	plural = map[string]bool{}
	seen := map[string]string{}
	for _, name := range files {
		data, err := fs.ReadFile(static.Catalogues, name)
		if err != nil {
			t.Fatal(err)
		}
		var messages map[string]json.RawMessage
		if err := json.Unmarshal(data, &messages); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for id, raw := range messages {
			if other, dup := seen[id]; dup {
				t.Errorf("%q is in both %s and %s", id, other, name)
			}
			seen[id] = name
			all = append(all, id)
			plural[id] = strings.HasPrefix(strings.TrimSpace(string(raw)), "{")
		}
	}
	slices.Sort(all)
	return all, plural
}

func TestCatalogues_HaveEveryKey(t *testing.T) {
	want, wantPlural := keys(t, "en")
	for _, code := range locale.Codes[1:] {
		t.Run(code, func(t *testing.T) {
			got, plural := keys(t, code)
			for _, id := range want {
				if _, found := slices.BinarySearch(got, id); !found {
					t.Errorf("%s.json lacks %q", code, id)
				} else if plural[id] != wantPlural[id] {
					t.Errorf("%s.json: %q is plural in en.json and not here, or the other way", code, id)
				}
			}
			for _, id := range got {
				if _, found := slices.BinarySearch(want, id); !found {
					t.Errorf("%s.json has %q, which en.json does not", code, id)
				}
			}
		})
	}
}

// TestCatalogues_HaveEveryPluralForm renders each plural text with counts
// that fall in every CLDR plural category of the six languages (Arabic's
// zero, one, two, few, many; Russian's few and many; the many of French and
// Spanish for millions): a missing form fails rather than showing its key.
func TestCatalogues_HaveEveryPluralForm(t *testing.T) {
	c := load(t)
	ids, plural := keys(t, "en")
	for _, l := range c.All() {
		for _, id := range ids {
			if !plural[id] {
				continue
			}
			for _, n := range []int64{0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 102, 111, 1000000} {
				if got := l.N(id, n); got == id || strings.Contains(got, "{{") {
					t.Errorf("%s: %s with count %d = %q", l.Code, id, n, got)
				}
			}
		}
	}
}

func TestCatalogues_NameReferenceDataInEveryLanguage(t *testing.T) {
	c := load(t)
	for _, l := range c.All() {
		seen := map[string]bool{}
		for _, al := range models.ActionLines {
			name := l.ActionLine(al.Code)
			if name == "al."+al.Code || seen[name] {
				t.Errorf("%s: action line %s is named %q (missing or repeated)", l.Code, al.Code, name)
			}
			seen[name] = true
		}
		for _, g := range models.SDGs {
			if name := l.SDG(g.Number); strings.HasPrefix(name, "sdg.") || seen[name] {
				t.Errorf("%s: SDG %d is named %q", l.Code, g.Number, name)
			} else {
				seen[name] = true
			}
		}
		if l.Code == "en" {
			for _, al := range models.ActionLines {
				if l.ActionLine(al.Code) != al.Name {
					t.Errorf("en: action line %s is %q, the reference data says %q", al.Code, l.ActionLine(al.Code), al.Name)
				}
			}
			for _, g := range models.SDGs {
				if l.SDG(g.Number) != g.Name {
					t.Errorf("en: SDG %d is %q, the reference data says %q", g.Number, l.SDG(g.Number), g.Name)
				}
			}
		}
	}
}

func TestLocale_FormatsForTheLanguage(t *testing.T) {
	c := load(t)
	at := time.Date(2026, time.March, 2, 9, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		code, number, date, country string
	}{
		{"en", "1,234,567", "2 March 2026", "Kenya"},
		{"fr", "1\u00a0234\u00a0567", "2 mars 2026", "Kenya"},
		{"es", "1.234.567", "2 de marzo de 2026", "Kenia"},
		{"ar", "١٬٢٣٤٬٥٦٧", "٢ مارس ٢٠٢٦", "كينيا"},
		{"zh", "1,234,567", "2026年3月2日", "肯尼亚"},
		{"ru", "1\u00a0234\u00a0567", "2 марта 2026 г.", "Кения"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			l, _ := c.Locale(tc.code)
			if got := l.Num(1234567); got != tc.number {
				t.Errorf("Num = %q, want %q", got, tc.number)
			}
			if got := l.Date(at); got != tc.date {
				t.Errorf("Date = %q, want %q", got, tc.date)
			}
			if got := l.Country("KE"); got != tc.country {
				t.Errorf("Country(KE) = %q, want %q", got, tc.country)
			}
		})
	}
	ar, _ := c.Locale("ar")
	en, _ := c.Locale("en")
	if ar.Numbering() != "arab" || en.Numbering() != "latn" {
		t.Errorf("Numbering: ar %q, en %q", ar.Numbering(), en.Numbering())
	}
	if ar.Dir() != "rtl" || en.Dir() != "ltr" {
		t.Errorf("Dir: ar %q, en %q", ar.Dir(), en.Dir())
	}
	if got := en.DateTime(at); got != "2 March 2026, 09:05 UTC" {
		t.Errorf("en DateTime = %q", got)
	}
	if got := en.TimeLeft(50 * time.Hour); got != "2 days left" {
		t.Errorf("en TimeLeft(50h) = %q", got)
	}
	if got := en.TimeLeft(time.Minute); got != "1 minute left" {
		t.Errorf("en TimeLeft(1m) = %q", got)
	}
}

func TestCatalogues_MatchAcceptLanguage(t *testing.T) {
	c := load(t)
	for _, tc := range []struct{ header, want string }{
		{"", "en"},
		{"fr-CA,fr;q=0.9,en;q=0.5", "fr"},
		{"de-DE,de;q=0.9,es;q=0.8", "es"},
		{"ar-EG", "ar"},
		{"zh-TW", "zh"},
		{"ru", "ru"},
		{"de", "en"},
		{"not a header;;", "en"},
	} {
		if got := c.Match(tc.header).Code; got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}
