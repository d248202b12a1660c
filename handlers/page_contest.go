package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// nomineesView is one category's nominees of a contest.
type nomineesView struct {
	Year       int
	Published  bool
	Category   namedCode
	Categories []fieldOption
	Nominees   []nomineeCard
}

// nomineeCard is a nominee as the public sees it: never scores.
type nomineeCard struct {
	ProjectID, Title, Organization, Countries, Description string
	// Award names a champion or winner once those stages are published.
	Award string
}

// nomineesPage shows a contest's published nominees, one category at a
// time (?category=N, the first by default), with their short descriptions
// (app.Service.Nominees). Before the nominees are published it says so.
// Anyone may see it.
func (w *webUI) nomineesPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	year := v.L.Plain(contest.Year)
	v.Title, v.Description, v.Public = v.L.T("nominees.title", "Year", year), v.L.T("nominees.meta", "Year", year), true
	category, err := strconv.Atoi(c.DefaultQuery("category", "1"))
	if err != nil || category < 1 || category > len(models.ActionLines) {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	data := nomineesView{Year: contest.Year, Published: contest.Stages.NomineesPublished,
		Category: categoryName(v.L, category)}
	for _, al := range models.ActionLines {
		data.Categories = append(data.Categories, fieldOption{Value: strconv.Itoa(al.Number),
			Label: v.L.Plain(al.Number) + ". " + v.L.ActionLine(al.Code), Selected: al.Number == category})
	}
	if data.Published {
		list, err := w.app.Nominees(useCase(c), contest.Year, category, app.PageRequest{})
		if err != nil {
			w.failPage(c, err)
			return
		}
		for _, n := range list.Items {
			data.Nominees = append(data.Nominees, nomineeOf(v.L, n))
		}
	}
	v.Data = data
	w.render(c, http.StatusOK, "nominees", v)
}

func nomineeOf(l *locale.Locale, n models.Nomination) nomineeCard {
	countries := make([]string, len(n.Countries))
	for i, code := range n.Countries {
		countries[i] = l.Country(code)
	}
	card := nomineeCard{ProjectID: n.ProjectID, Title: n.ProjectTitle, Organization: n.Organization,
		Countries: strings.Join(countries, ", "), Description: n.ShortDescription}
	switch n.State {
	case models.NominationWinner:
		card.Award = l.T("results.winner")
	case models.NominationChampion:
		card.Award = l.T("results.champion")
	}
	return card
}

// resultsPageView is a contest's published results, by category.
type resultsPageView struct {
	Year       int
	Published  bool
	Categories []categoryResults
}

type categoryResults struct {
	Category    namedCode
	Champions   []championRow
	Invalidated int64
}

type championRow struct {
	Title, Organization, Votes, Award string
	Winner                            bool
}

// resultsPage shows a contest's published results: per category its
// winners and champions with their valid votes, and the number of votes
// invalidated (app.Service.Results). Before they are published it says so.
// Anyone may see it.
func (w *webUI) resultsPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	year := v.L.Plain(contest.Year)
	v.Title, v.Description, v.Public = v.L.T("results.title", "Year", year), v.L.T("results.meta", "Year", year), true
	data := resultsPageView{Year: contest.Year, Published: contest.Stages.ResultsPublished}
	if data.Published {
		res, err := w.app.Results(useCase(c), contest.Year)
		if err != nil {
			w.failPage(c, err)
			return
		}
		for _, cr := range res.Categories {
			cat := categoryResults{Category: categoryName(v.L, cr.Category), Invalidated: cr.Invalidated}
			for _, ch := range cr.Champions {
				row := championRow{Title: ch.ProjectTitle, Organization: ch.Organization, Votes: v.L.Num(ch.Votes),
					Award: v.L.T("results.champion"), Winner: ch.Winner}
				if ch.Winner {
					row.Award = v.L.T("results.winner")
				}
				cat.Champions = append(cat.Champions, row)
			}
			data.Categories = append(data.Categories, cat)
		}
	}
	v.Data = data
	w.render(c, http.StatusOK, "results", v)
}

// pageContest reads the contest of the :year path parameter; a malformed
// year or one without a contest is the not-found page.
func (w *webUI) pageContest(c *gin.Context) (models.Contest, bool) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 2200 {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return models.Contest{}, false
	}
	contest, err := w.app.Contest(useCase(c), year)
	if err != nil {
		w.failPage(c, err)
		return models.Contest{}, false
	}
	return contest, true
}

// categoryName is prize category n with its action line's name in l.
func categoryName(l *locale.Locale, n int) namedCode {
	al := models.ActionLines[n-1]
	return namedCode{Code: strconv.Itoa(n), Name: l.T("category.title", "Number", l.Plain(n), "Name", l.ActionLine(al.Code))}
}
