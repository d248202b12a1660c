package handlers_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

func TestStatsPage_ChartsDrawnOnTheServerWithTheirNumbers(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 50, 8)
	api := decode[struct {
		Total      int            `json:"total"`
		ActionLine map[string]int `json:"action_line"`
		Region     map[string]int `json:"region"`
	}](t, s.do(t, http.MethodGet, "/api/v1/stats", nil))
	doc := newBrowser(s).get(t, "/stats", http.StatusOK)
	if got := text(doc.Find("main > p").First()); got != strconv.Itoa(api.Total)+" published projects" {
		t.Errorf("total %q, want %d", got, api.Total)
	}
	rows := doc.Find(`section[aria-labelledby=stats-action_line] tbody tr`)
	if rows.Length() != 18 {
		t.Fatalf("%d action line rows, want 18", rows.Length())
	}
	most := 0
	for _, n := range api.ActionLine {
		most = max(most, n)
	}
	rows.Each(func(i int, row *goquery.Selection) {
		al := models.ActionLines[i]
		if got := text(row.Find("th")); got != al.Name {
			t.Errorf("row %d named %q, want %q", i, got, al.Name)
		}
		if got := text(row.Find("td.number")); got != strconv.Itoa(api.ActionLine[al.Code]) {
			t.Errorf("%s: %s projects, the API says %d", al.Code, got, api.ActionLine[al.Code])
		}
		if width, _ := row.Find("svg rect").Attr("width"); width != strconv.Itoa(api.ActionLine[al.Code]*100/most) {
			t.Errorf("%s: bar %s%%, want %d", al.Code, width, api.ActionLine[al.Code]*100/most)
		}
	})
	for _, id := range []string{"stats-sdg", "stats-region", "stats-stakeholder_type", "stats-year"} {
		if doc.Find(`section[aria-labelledby=`+id+`] svg`).Length() == 0 {
			t.Errorf("no chart %s", id)
		}
	}
	if got := doc.Find(`section[aria-labelledby=stats-sdg] tbody tr`).Length(); got != 17 {
		t.Errorf("%d SDG rows, want 17", got)
	}
}
