package models_test

import (
	"sort"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestCountries_SortedUniqueAndRegioned(t *testing.T) {
	cs := models.Countries()
	if len(cs) != 249 {
		t.Fatalf("%d countries, want 249", len(cs))
	}
	if !sort.SliceIsSorted(cs, func(i, j int) bool { return cs[i].Code < cs[j].Code }) {
		t.Error("countries are not sorted by code")
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if len(c.Code) != 2 || c.Code[0] < 'A' || c.Code[0] > 'Z' || c.Code[1] < 'A' || c.Code[1] > 'Z' {
			t.Errorf("code %q is not ISO 3166-1 alpha-2", c.Code)
		}
		if seen[c.Code] {
			t.Errorf("code %s repeats", c.Code)
		}
		seen[c.Code] = true
		if !models.ValidRegion(c.Region) || c.Name == "" {
			t.Errorf("country %+v has no valid region or name", c)
		}
	}
}

func TestCountries_KnownRegions(t *testing.T) {
	for code, want := range map[string]models.Region{
		"KE": models.RegionAfrica, "BR": models.RegionAmericas, "EG": models.RegionArabStates,
		"IN": models.RegionAsiaPacific, "KZ": models.RegionCIS, "CH": models.RegionEurope,
		"PS": models.RegionArabStates, "MA": models.RegionArabStates, "ZA": models.RegionAfrica,
	} {
		c, ok := models.CountryByCode(code)
		if !ok || c.Region != want {
			t.Errorf("%s: %+v, %v; want region %s", code, c, ok, want)
		}
	}
	if _, ok := models.CountryByCode("XX"); ok {
		t.Error("XX is not a country")
	}
}

func TestActionLineByCode(t *testing.T) {
	a, ok := models.ActionLineByCode("c7-e-health")
	if !ok || a.Number != 10 {
		t.Fatalf("c7-e-health = %+v, %v; want category 10", a, ok)
	}
	if _, ok := models.ActionLineByCode("C3"); ok {
		t.Error("codes are lower case; C3 is not one")
	}
}

func TestValidStakeholderType(t *testing.T) {
	if !models.ValidStakeholderType("civil-society") || models.ValidStakeholderType("ngo") {
		t.Fatal("stakeholder type check is wrong")
	}
}
