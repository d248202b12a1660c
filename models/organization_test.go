package models_test

import (
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestOrganizationKey_LookAlikesAreOneOrganization(t *testing.T) {
	for _, tc := range []struct{ name, input string }{
		{"zero-width space before", "\u200bOrg"},
		{"soft hyphen after", "Org\u00ad"},
		{"word joiner inside", "O\u2060rg"},
		{"NUL inside", "Or\x00g"},
		{"Cyrillic O", "\u041erg"},
		{"Greek Omicron", "\u039frg"},
		{"Cyrillic o and Latin capitals", "\u043eRG"},
		{"bidirectional override", "\u202eOrg\u202c"},
		{"zero-width joiner", "O\u200drg"},
		{"byte order mark", "\ufeffOrg"},
		{"variation selector", "Org\ufe0f"},
		{"full-width letters", "\uff2f\uff52\uff47"},
		{"upper case", "ORG"},
		{"spaces around and inside", "  O r\tg \u00a0"},
		{"ideographic space", "Org\u3000"},
		{"invalid UTF-8", "Org\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := models.OrganizationKey(tc.input), models.OrganizationKey("Org"); got != want {
				t.Fatalf("OrganizationKey(%+q) = %+q, want %+q as for \"Org\"", tc.input, got, want)
			}
		})
	}
}

func TestOrganizationKey_DifferentNamesStayApart(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Org", "Orb"},
		{"Digital Sahel", "Digital Sahara"},
		{"Müller Stiftung", "Muller Stiftung"},
		{"Org", ""},
		{"مؤسسة الاتصال", "مؤسسة الاتصالات"},
		{"数字丝路", "数字之路"},
		{"Связь", "Связи"},
	} {
		if models.OrganizationKey(tc.a) == models.OrganizationKey(tc.b) {
			t.Errorf("%q and %q have one key %+q", tc.a, tc.b, models.OrganizationKey(tc.a))
		}
	}
}

func TestOrganizationKey_SameKeyTwiceOver(t *testing.T) {
	for _, name := range []string{"Digital Sahel", "\u041erg", "Straße der Daten", "ｆｕｌｌ ｗｉｄｔｈ"} {
		key := models.OrganizationKey(name)
		if again := models.OrganizationKey(key); again != key {
			t.Errorf("key of %q is %+q, and its own key %+q", name, key, again)
		}
	}
}

func TestConflicts_LookAlikeOrganizationConflicts(t *testing.T) {
	n := models.Nomination{Organization: "Digital Sahel", Countries: []string{"SN"}}
	if why := (models.Conflicts{Organizations: []string{"Digit\u0430l\u200b S\u0430hel"}}).ConflictWith("", n); why == "" {
		t.Fatal("a declared look-alike of the organization is no conflict")
	}
	if why := (models.Conflicts{}).ConflictWith("DIGITAL\u00adSAHEL", n); why == "" {
		t.Fatal("a reviewer of a look-alike organization is no conflict")
	}
	if why := (models.Conflicts{Organizations: []string{"\u200b"}}).ConflictWith("\u2060", models.Nomination{Organization: "\u200b"}); why != "" {
		t.Fatalf("invisible names conflict: %s", why)
	}
	if why := (models.Conflicts{Organizations: []string{"Andes Connect"}}).ConflictWith("Pacific Links", n); why != "" {
		t.Fatalf("unrelated organizations conflict: %s", why)
	}
}
