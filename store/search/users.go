package search

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/wsis-platform/wsis/models"
)

// userDoc is an account as the admins' list finds it: its email, name and
// organization lower-cased whole, so that any part of them matches.
func userDoc(u models.User) map[string]any {
	card, _ := json.Marshal(u)
	roles := []string{UserStakeholder}
	for _, r := range u.Roles {
		roles = append(roles, string(r))
	}
	state := UserActive
	if u.Disabled {
		state = UserDisabled
	}
	return map[string]any{"kind": "user", "id": u.ID, "email_kw": strings.ToLower(u.Email),
		"name_kw": strings.ToLower(u.Name), "org_kw": strings.ToLower(u.Organization), "card": string(card),
		"role": roles, "user_state": state}
}

// The values of UserQuery's filters besides the roles: every account is a
// stakeholder, and is active or disabled.
const (
	UserStakeholder = "stakeholder"
	UserActive      = "active"
	UserDisabled    = "disabled"
)

// UserQuery searches the accounts: Text is plain text found anywhere in the
// email, name or organization, case-insensitively; Role keeps the accounts
// holding a role (or UserStakeholder, every account), State those active or
// disabled; After continues after an account id.
type UserQuery struct {
	Text  string
	Role  string
	State string
	After string
	Limit int
}

var userSort = []string{"id"}

// Users returns a page of accounts in id order, the total and the id to
// continue after (empty on the last page).
func (x *Index) Users(ctx context.Context, q UserQuery) ([]models.User, uint64, string, error) {
	must := []query.Query{term("kind", "user")}
	if text := strings.ToLower(strings.TrimSpace(q.Text)); text != "" {
		// The text is quoted, so that it is matched as characters, never as a
		// pattern of the caller's.
		pattern := ".*" + regexp.QuoteMeta(text) + ".*"
		var any []query.Query
		for _, f := range []string{"email_kw", "name_kw", "org_kw"} {
			r := bleve.NewRegexpQuery(pattern)
			r.SetField(f)
			any = append(any, r)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if q.Role != "" {
		must = append(must, term("role", q.Role))
	}
	if q.State != "" {
		must = append(must, term("user_state", q.State))
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), q.Limit+1, 0, false)
	req.SortBy(userSort)
	req.Score = bleve.ScoreNone
	req.Fields = []string{"card"}
	if q.After != "" {
		req.SearchAfter = []string{q.After}
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, "", fmt.Errorf("search: users: %w", err)
	}
	hits, next := res.Hits, ""
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		if q.Limit > 0 {
			next = strings.TrimPrefix(hits[len(hits)-1].ID, "user:")
		}
	}
	users := make([]models.User, 0, len(hits))
	for _, h := range hits {
		var u models.User
		card, _ := h.Fields["card"].(string)
		if err := json.Unmarshal([]byte(card), &u); err != nil {
			return nil, 0, "", fmt.Errorf("search: users: card of %s: %w", h.ID, err)
		}
		users = append(users, u)
	}
	return users, res.Total, next, nil
}
