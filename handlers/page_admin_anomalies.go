package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// anomaliesView is a contest's anomaly report with the invalidation form,
// its confirmation step, and what the last invalidation did.
type anomaliesView struct {
	Year                 int
	Votes, ComputedAt    string
	Anomalies            []anomalyCard
	Action, Fresh        string
	VoteIDs, Voter       fieldInput
	Reason               fieldInput
	Confirm              *invalidationSummary
	Invalidated, Already []string
	Done                 bool
}

// anomalyCard is one anomaly, explained in the page's language, with its
// evidence and the links that fill the form with its votes or voters.
type anomalyCard struct {
	Kind, Explanation string
	VoteIDs, VoterIDs []string
	FillVotes         string
	FillVoters        []voterLink
}

type voterLink struct{ ID, Href string }

// invalidationSummary is what the confirmation step says will happen.
type invalidationSummary struct {
	Text, Reason, VoteIDs, VoterID string
}

// adminAnomaliesPage shows a contest's anomaly report with the evidence of
// each anomaly (app.Service.Anomalies; ?fresh=true scans the votes now),
// and the form that invalidates votes or all of a voter's votes, which
// ?vote_ids= or ?voter_id= fill.
func (w *webUI) adminAnomaliesPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	v.Form = url.Values{"vote_ids": {c.Query("vote_ids")}, "voter_id": {c.Query("voter_id")}}
	w.showAnomalies(c, v, contest, c.Query("fresh") == "true", nil, http.StatusOK)
}

func (w *webUI) showAnomalies(c *gin.Context, v *pageView, contest models.Contest, fresh bool, extra func(*anomaliesView), status int) {
	user, _ := pageUser(c)
	r, err := w.app.Anomalies(useCase(c), user, contest.Year, fresh)
	if err != nil {
		w.failPage(c, err)
		return
	}
	titles, err := w.nomineeTitles(c, contest.Year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	year := strconv.Itoa(contest.Year)
	base := "/admin/contests/" + year + "/anomalies"
	v.Title = v.L.T("oversight.anomalies.title", "Year", v.L.Plain(contest.Year))
	data := &anomaliesView{Year: contest.Year, Votes: v.L.Num(r.Votes), ComputedAt: v.L.DateTime(r.ComputedAt),
		Action: base + "/invalidate", Fresh: base + "?fresh=true",
		VoteIDs: inputField(v, "vote_ids", "textarea", "oversight.anomalies.vote_ids", "hint=oversight.anomalies.vote_ids_hint"),
		Voter:   inputField(v, "voter_id", "text", "oversight.anomalies.voter_id"),
		Reason:  inputField(v, "reason", "textarea", "oversight.field.reason", "required", "hint=oversight.anomalies.reason_hint")}
	for _, a := range r.Anomalies {
		card := anomalyCard{Kind: v.L.T("oversight.anomaly." + a.Kind), Explanation: anomalyText(v, a, titles),
			VoteIDs: a.VoteIDs, VoterIDs: a.VoterIDs}
		if len(a.VoteIDs) > 0 {
			card.FillVotes = base + "?" + url.Values{"vote_ids": {strings.Join(a.VoteIDs, " ")}}.Encode() + "#invalidate"
		}
		for _, id := range a.VoterIDs {
			card.FillVoters = append(card.FillVoters, voterLink{ID: id, Href: base + "?" + url.Values{"voter_id": {id}}.Encode() + "#invalidate"})
		}
		data.Anomalies = append(data.Anomalies, card)
	}
	if extra != nil {
		extra(data)
	}
	v.Data = data
	w.render(c, status, "admin_anomalies", v)
}

// anomalyText explains an anomaly in the page's language, from its
// evidence (the report's own explanation is in English).
func anomalyText(v *pageView, a models.Anomaly, titles map[string]string) string {
	span := func() (string, string) {
		if a.From == nil || a.To == nil {
			return "", ""
		}
		return v.L.DateTime(*a.From), v.L.DateTime(*a.To)
	}
	from, to := span()
	switch a.Kind {
	case models.AnomalyClientBurst:
		return v.L.T("oversight.anomaly.client_text", "Votes", v.L.Num(a.Votes), "From", from, "To", to, "Client", a.ClientHash)
	case models.AnomalyAccountBurst:
		return v.L.T("oversight.anomaly.account_text", "Voters", v.L.Num(a.Voters), "Category", categoryName(v.L, a.Category).Name,
			"Nominee", titleOr(titles, a.NominationID), "From", from, "To", to)
	case models.AnomalyDisposableEmail:
		return v.L.T("oversight.anomaly.disposable_text", "Voters", v.L.Num(a.Voters), "Votes", v.L.Num(a.Votes), "Domain", a.Domain)
	}
	return a.Explanation
}

// adminInvalidateVotes invalidates the votes the form names, or all of a
// voter's votes in the contest, with the reason required
// (app.Service.InvalidateVotes). The first press checks the form and shows
// the confirmation step; the confirmed form acts, and the page shows which
// votes it invalidated and which were invalid already. Errors come back
// next to their fields and change nothing.
func (w *webUI) adminInvalidateVotes(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	form := postForm(c)
	v.Form = formValues(form, "vote_ids", "voter_id", "reason")
	req := invalidateRequest{Contest: contest.Year, VoteIDs: strings.Fields(v.Form.Get("vote_ids")),
		VoterID: strings.TrimSpace(v.Form.Get("voter_id")), Reason: strings.TrimSpace(v.Form.Get("reason"))}
	v.Errors = checkForm(v.L, req)
	if (len(req.VoteIDs) == 0) == (req.VoterID == "") {
		v.Errors = appendOnce(v.Errors, fieldError{Field: "vote_ids", Message: v.L.T("oversight.anomalies.one_of")})
	}
	if len(v.Errors) > 0 {
		w.showAnomalies(c, v, contest, false, nil, http.StatusUnprocessableEntity)
		return
	}
	if !confirmed(form) {
		summary := &invalidationSummary{Reason: req.Reason, VoteIDs: strings.Join(req.VoteIDs, " "), VoterID: req.VoterID,
			Text: v.L.N("oversight.anomalies.confirm_votes", len(req.VoteIDs))}
		if req.VoterID != "" {
			summary.Text = v.L.T("oversight.anomalies.confirm_voter", "Voter", req.VoterID)
		}
		w.showAnomalies(c, v, contest, false, func(d *anomaliesView) { d.Confirm = summary }, http.StatusOK)
		return
	}
	user, _ := pageUser(c)
	out, err := w.app.InvalidateVotes(useCase(c), user, app.InvalidateRequest{Contest: req.Contest, VoteIDs: req.VoteIDs,
		VoterID: req.VoterID, Reason: req.Reason})
	field := "vote_ids"
	if req.VoterID != "" {
		field = "voter_id"
	}
	switch {
	case err == nil:
		v.Form = url.Values{}
		v.Notice = v.L.T("oversight.anomalies.done", "Invalidated", v.L.Num(len(out.Invalidated)), "Already", v.L.Num(len(out.Already)))
		w.showAnomalies(c, v, contest, false, func(d *anomaliesView) {
			d.Done, d.Invalidated, d.Already = true, out.Invalidated, out.Already
		}, http.StatusOK)
	case errors.Is(err, models.ErrInvalid):
		v.Errors, _ = formErrors(v.L, err)
		w.showAnomalies(c, v, contest, false, nil, http.StatusUnprocessableEntity)
	case errors.Is(err, models.ErrNotFound):
		v.Errors = []fieldError{{Field: field, Message: v.L.T("oversight.anomalies.unknown")}}
		w.showAnomalies(c, v, contest, false, nil, http.StatusUnprocessableEntity)
	default:
		w.failPage(c, err)
	}
}
