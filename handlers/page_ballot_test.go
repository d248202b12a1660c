package handlers_test

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

// loggedIn is a browser signed in through the login form.
func loggedIn(t *testing.T, s *testServer, email, lang string) *browser {
	t.Helper()
	b := newBrowser(s)
	b.lang = lang
	wantRedirect(t, b.post(t, "/login", url.Values{"email": {email}, "password": {testPassword}}), "/profile")
	return b
}

func TestBallotPage_VoterVotesInTwoCategoriesInArabicAndSeesTheReceipts(t *testing.T) {
	s := newVotingSetup(t, "")
	voter, _ := s.signIn(t, "voter@example.org")
	b := loggedIn(t, s.testServer, voter.Email, "ar")
	if href, _ := b.get(t, "/", http.StatusOK).Find(".actions a").First().Attr("href"); href != "/contests/2027/ballot" {
		t.Errorf("while voting is open the home page leads to %q, want the ballot", href)
	}
	byCategory := map[int][]models.Nomination{}
	for _, n := range s.nominations {
		byCategory[n.Category] = append(byCategory[n.Category], n)
	}
	var categories []int
	for c := range byCategory {
		categories = append(categories, c)
	}
	if len(categories) < 2 {
		t.Fatalf("the setup has nominees in %d categories", len(categories))
	}
	for _, category := range categories[:2] {
		cat := strconv.Itoa(category)
		doc := b.get(t, "/contests/2027/ballot?category="+cat, http.StatusOK)
		if dir, _ := doc.Find("html").Attr("dir"); dir != "rtl" {
			t.Fatalf("ballot dir=%q", dir)
		}
		if got := doc.Find(`input[type=radio][name=nomination_id]`).Length(); got != len(byCategory[category]) {
			t.Fatalf("category %d offers %d nominees, want %d", category, got, len(byCategory[category]))
		}
		if got := doc.Find(".ballot-categories li").Length(); got != 18 {
			t.Errorf("the ballot lists %d categories, want 18", got)
		}
		// Continuing without a choice says so; with one, the vote is
		// confirmed before it is cast.
		doc = b.get(t, "/contests/2027/ballot/confirm?category="+cat, http.StatusUnprocessableEntity)
		if got := text(doc.Find(".form-errors")); !strings.Contains(got, "اختر مرشحًا.") {
			t.Errorf("no choice: %q", got)
		}
		chosen := byCategory[category][0]
		doc = b.get(t, "/contests/2027/ballot/confirm?category="+cat+"&nomination_id="+chosen.ID, http.StatusOK)
		if got := text(doc.Find("main")); !strings.Contains(got, "«"+chosen.ProjectTitle+"»") || !strings.Contains(got, "التصويت نهائي") {
			t.Errorf("confirmation page: %q", got)
		}
		if v, _ := doc.Find(`form[method=post] input[name=nomination_id]`).Attr("value"); v != chosen.ID {
			t.Fatalf("the confirmation form casts %q", v)
		}
		loc := wantRedirect(t, b.post(t, "/contests/2027/ballot", url.Values{"category": {cat}, "nomination_id": {chosen.ID}}),
			"/contests/2027/ballot?")
		doc = b.get(t, loc, http.StatusOK)
		if got := text(doc.Find(".notice")); !strings.Contains(got, "تم تسجيل صوتك") {
			t.Errorf("after voting, the notice says %q", got)
		}
		if got := text(doc.Find(".vote")); !strings.Contains(got, chosen.ProjectTitle) || doc.Find(".vote code.receipt").Length() != 1 {
			t.Errorf("the ballot does not show the vote with its receipt: %q", got)
		}
		if doc.Find(`input[type=radio]`).Length() != 0 {
			t.Error("a voted category still offers its nominees")
		}
		if got := text(doc.Find(`.ballot-categories a[aria-current]`).Parent().Find(".badge")); !strings.Contains(got, "تم التصويت") {
			t.Errorf("the category is not marked voted: %q", got)
		}
		doc = wantPage(t, b.post(t, "/contests/2027/ballot", url.Values{"category": {cat}, "nomination_id": {chosen.ID}}), http.StatusConflict)
		if got := text(doc.Find(".form-errors")); !strings.Contains(got, "لقد صوّتّ بالفعل") {
			t.Errorf("a second vote: %q", got)
		}
	}

	tok := s.login(t, voter.Email, testPassword).AccessToken
	api := decode[struct {
		Items []models.Vote `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/me/votes?contest=2027", nil, bearer(tok)...))
	doc := b.get(t, "/contests/2027/my-votes", http.StatusOK)
	receipts := text(doc.Find("tbody"))
	if len(api.Items) != 2 || doc.Find("tbody tr").Length() != 2 {
		t.Fatalf("%d votes in the API, %d rows on the page", len(api.Items), doc.Find("tbody tr").Length())
	}
	for _, v := range api.Items {
		if !strings.Contains(receipts, v.Receipt) || !strings.Contains(receipts, v.ID) {
			t.Errorf("my votes does not show the receipt of %s", v.ID)
		}
	}
}

func TestBallotPage_SaysWhyTheVoterCannotVote(t *testing.T) {
	s := newVotingSetup(t, "")
	s.createUser(t, "verified@example.org")
	hash, err := s.hasher.Hash(t.Context(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.CreateUser(t.Context(), models.User{Email: "new@example.org", Name: "New", CreatedAt: s.clock.Now()}, hash); err != nil {
		t.Fatal(err)
	}

	unverified := loggedIn(t, s.testServer, "new@example.org", "")
	doc := unverified.get(t, "/contests/2027/ballot?category=3", http.StatusOK)
	if got := text(doc.Find(".ballot-state")); !strings.Contains(got, "Verify your email before you vote") || doc.Find(`.ballot-state a[href="/profile"]`).Length() != 1 {
		t.Errorf("unverified voter: %q", got)
	}
	if doc.Find(`button[type=submit]`).FilterFunction(func(_ int, b *goquery.Selection) bool { return b.Closest("nav").Length() == 0 }).Length() != 0 {
		t.Error("an unverified voter is offered a vote")
	}
	n := s.nominations[0]
	wantPage(t, unverified.post(t, "/contests/2027/ballot", url.Values{"category": {strconv.Itoa(n.Category)}, "nomination_id": {n.ID}}), http.StatusForbidden)

	s.clock.Set(voteCloses.Add(time.Minute))
	b := loggedIn(t, s.testServer, "verified@example.org", "")
	if got := text(b.get(t, "/contests/2027/ballot", http.StatusOK).Find(".ballot-state")); !strings.Contains(got, "Voting closed on 1 April 2027, 00:00 UTC.") {
		t.Errorf("after the window: %q", got)
	}
	wantPage(t, b.post(t, "/contests/2027/ballot", url.Values{"category": {strconv.Itoa(n.Category)}, "nomination_id": {n.ID}}), http.StatusConflict)

	s.clock.Set(s.opens.Add(-time.Hour))
	b = loggedIn(t, s.testServer, "verified@example.org", "")
	if got := text(b.get(t, "/contests/2027/ballot", http.StatusOK).Find(".ballot-state")); !strings.Contains(got, "Voting opens on") {
		t.Errorf("before the window: %q", got)
	}

	before := newPrizes(t, "")
	early := loggedIn(t, before.testServer, "amina@example.org", "")
	if got := text(early.get(t, "/contests/2027/ballot", http.StatusOK).Find(".ballot-state")); !strings.Contains(got, "not published yet") {
		t.Errorf("before the nominees: %q", got)
	}
	wantRedirect(t, newBrowser(before.testServer).send(t, getRequest("/contests/2027/ballot")), "/login?next=")
}

// The proof page of a vote: before the commitment it says when it comes;
// after it, its data lead from the receipt to the published root (checked
// here as the page's script checks it); another voter's vote is 404.
func TestVoteProofPage_LeadsFromTheReceiptToThePublishedRoot(t *testing.T) {
	s := newVotingSetup(t, "")
	voter, tok := s.signIn(t, "voter@example.org")
	other, _ := s.signIn(t, "other@example.org")
	nom := s.nominations[0]
	if code, body := s.cast(t, tok, nom.Category, nom.ID); code != http.StatusCreated {
		t.Fatalf("vote: %d %s", code, body)
	}
	id := models.VoteID(2027, nom.Category, voter.ID)
	path := "/contests/2027/my-votes/" + id + "/proof"
	b := loggedIn(t, s.testServer, voter.Email, "fr")
	if href, _ := b.get(t, "/contests/2027/my-votes", http.StatusOK).Find(`tbody a[href$="/proof"]`).Attr("href"); href != path {
		t.Fatalf("my votes links to %q, want %q", href, path)
	}
	if got := text(b.get(t, path, http.StatusOK).Find("main")); !strings.Contains(got, "à la clôture du vote") {
		t.Errorf("before the commitment: %q", got)
	}
	s.setClock(t, voteCloses.Add(time.Hour))
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/commitments/publish", nil, bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	b = loggedIn(t, s.testServer, voter.Email, "fr")
	doc := b.get(t, path, http.StatusOK)
	d := doc.Find("[data-proof]")
	attr := func(name string) string { v, _ := d.Attr(name); return v }
	index, _ := strconv.Atoi(attr("data-index"))
	size, _ := strconv.Atoi(attr("data-size"))
	receipt, _ := hex.DecodeString(attr("data-receipt"))
	var proof []models.Hash
	for _, h := range strings.Fields(attr("data-path")) {
		raw, _ := hex.DecodeString(h)
		proof = append(proof, models.Hash(raw))
	}
	root, _ := hex.DecodeString(attr("data-root"))
	if err := models.VerifyInclusion(receipt, index, size, proof, models.Hash(root)); err != nil || size != 1 {
		t.Fatalf("the page's proof (leaf %d of %d): %v", index, size, err)
	}
	published := decode[struct {
		Items []models.Commitment `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/contests/2027/commitments", nil))
	if cc, _ := published.Items[0].Category(nom.Category); cc.Root != attr("data-root") {
		t.Errorf("the page's root %s is not the published %s", attr("data-root"), cc.Root)
	}
	if doc.Find("button[data-verify-proof]").Length() != 1 || !strings.Contains(text(doc.Find("pre")), "wsis verify-receipt --receipt "+attr("data-receipt")) {
		t.Error("the page offers no check in the browser or offline")
	}
	loggedIn(t, s.testServer, other.Email, "fr").get(t, path, http.StatusNotFound)
}
