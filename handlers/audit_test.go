package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAudit_ChangesUseTheAPIsSnakeCaseNames: an audited schedule or settings
// change shows its fields as the API names them (opens_at,
// nominees_per_category), not as lowercased Go names (opensat).
func TestAudit_ChangesUseTheAPIsSnakeCaseNames(t *testing.T) {
	s := newPrizes(t, "")
	patch := fmt.Sprintf(`{"schedule":{"submission":{"opens_at":%q,"closes_at":%q}},"settings":{"nominees_per_category":10}}`,
		subOpens.Format(time.RFC3339), subCloses.Add(-24*time.Hour).Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("patch contest: %d %s", rec.Code, rec.Body)
	}
	rec := s.do(t, http.MethodGet, "/api/v1/admin/audit?target=2027", nil, bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("audit: %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, want := range []string{`"opens_at"`, `"closes_at"`, `"nominees_per_category"`, `"score_normalization"`} {
		if !strings.Contains(body, want) {
			t.Errorf("audit lacks %s: %.400s", want, body)
		}
	}
	for _, gone := range []string{"opensat", "closesat", "nomineespercategory", "scorenormalization"} {
		if strings.Contains(body, gone) {
			t.Errorf("audit shows the Go name %s", gone)
		}
	}
}
