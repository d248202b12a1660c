package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/mail/smtptest"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

const (
	replicaAdmin    = "admin@example.org"
	replicaPassword = "replica admin password 2026"
	replicaVoter    = "voter@example.org"
)

// replicaSchedule is a contest's four windows of one hour, an hour apart,
// in which now stands at hours into the contest (0: submission open, 3:
// between review and voting, 4: voting open), as the README's walk-through
// writes them.
func replicaSchedule(hours int) map[string]any {
	start := time.Now().UTC().Add(-30*time.Minute - time.Duration(hours)*time.Hour)
	s := map[string]any{}
	for k, name := range []string{"submission", "review", "voting", "selection"} {
		opens := start.Add(time.Duration(2*k) * time.Hour)
		s[name] = map[string]string{"opens_at": opens.Format(time.RFC3339), "closes_at": opens.Add(time.Hour).Format(time.RFC3339)}
	}
	return s
}

func words(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }

// TestReplicas_TwoServersShareOneDatabase runs two "wsis" server processes
// on one shared MongoDB-compatible server (sharedServer) with their mail
// workers on one SMTP server, and holds what several replicas need: shared
// signing keys, each mail of the outbox delivered once, one vote per voter
// however the requests are spread, each replica's search index following
// the other's writes, and periodic jobs that run on both without colliding.
func TestReplicas_TwoServersShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a database server and two app processes")
	}
	uri, _ := sharedServer(t)
	// The SMTP server is down while the replicas start, so that both workers
	// hold every mail left unsent and keep retrying it: without claims both
	// would deliver each once the server is up.
	smtpAddr := smtptest.UnusedAddr(t)
	ctx := context.Background()
	dbName := fmt.Sprintf("replicas_%d", uniqueSuffix())
	client := connect(t, uri)
	t.Cleanup(func() { _ = client.Database(dbName).Drop(context.Background()) })
	// The test's own view of the database, as a third process sees it.
	st := store.New(client, dbName, nil)

	// Before the replicas start: mails an earlier process left unsent, which
	// both workers read at their start, and credentials records, some
	// expired, for both clean-ups that run at start.
	var leftUnsent []string
	for i := range 30 {
		m, err := st.EnqueueMail(ctx, models.Mail{To: fmt.Sprintf("reader%02d@example.org", i), Subject: fmt.Sprintf("left unsent %02d", i),
			Body: "Sent before the replicas started.", Kind: models.MailNomination, CreatedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		leftUnsent = append(leftUnsent, m.Subject)
	}
	now := time.Now().UTC()
	for i := range 12 {
		expires := now.Add(-time.Hour)
		if i%3 == 0 {
			expires = now.Add(time.Hour)
		}
		if err := st.InsertRefreshToken(ctx, models.RefreshToken{Hash: fmt.Sprintf("token-%02d", i), FamilyID: "family", UserID: "nobody",
			CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: expires, FamilyExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
	}

	rs := startReplicas(t, map[string]string{
		"WSIS_MONGODB_URI": uri, "WSIS_MONGODB_DATABASE": dbName, "WSIS_SMTP_URL": "smtp://" + smtpAddr,
		// One public address, as behind the load balancer: the tokens' issuer.
		"WSIS_PUBLIC_URL":  "http://wsis.test",
		"WSIS_ADMIN_EMAIL": replicaAdmin, "WSIS_ADMIN_PASSWORD": replicaPassword,
	}, "replica-1", "replica-2")
	r1, r2 := rs[0], rs[1]
	smtp := smtptest.StartAt(t, smtpAddr)

	login := func(r *replica, email, password string) string {
		t.Helper()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		r.must(t, http.StatusOK, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &tok)
		return tok.AccessToken
	}

	var admin1, admin2 string
	t.Run("a token of one replica is accepted by the other", func(t *testing.T) {
		admin1, admin2 = login(r1, replicaAdmin, replicaPassword), login(r2, replicaAdmin, replicaPassword)
		for _, c := range []struct {
			tok  string
			from *replica
			to   *replica
		}{{admin1, r1, r2}, {admin2, r2, r1}} {
			var me struct {
				Email string `json:"email"`
			}
			c.to.must(t, http.StatusOK, http.MethodGet, "/api/v1/me", c.tok, nil, &me)
			if me.Email != replicaAdmin {
				t.Fatalf("token of %s on %s: me is %q", c.from.name, c.to.name, me.Email)
			}
		}
		keys, err := st.SigningKeys(ctx)
		if err != nil || len(keys) == 0 {
			t.Fatalf("signing keys in the database: %v, %v", keys, err)
		}
	})
	if admin1 == "" {
		t.FailNow()
	}

	t.Run("a project published through one replica is found through the other", func(t *testing.T) {
		for i, pair := range [][2]*replica{{r1, r2}, {r2, r1}} {
			via, other := pair[0], pair[1]
			word := fmt.Sprintf("heliograph%c", 'a'+i)
			id := publishProject(t, via, admin1, word)
			eventually(t, 20*time.Second, other.name+" finds the project published through "+via.name, func() bool {
				var page struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
				}
				other.must(t, http.StatusOK, http.MethodGet, "/api/v1/projects?q="+word, "", nil, &page)
				return len(page.Items) == 1 && page.Items[0].ID == id
			})
		}
	})

	year := time.Now().UTC().Year()
	hash, err := auth.NewHasher(1).Hash(ctx, replicaPassword)
	if err != nil {
		t.Fatal(err)
	}
	voter, err := st.CreateUser(ctx, models.User{Email: replicaVoter, Name: "Vera Voter", Organization: "Readers",
		StakeholderType: models.StakeholderCivilSociety, Country: "KE", CreatedAt: time.Now().Add(-48 * time.Hour)}, hash)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkEmailVerified(ctx, voter.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	nomination := openVoting(t, r1, admin1, year)

	t.Run("one voter voting through both replicas at once stores one vote", func(t *testing.T) {
		for _, r := range rs {
			eventually(t, 10*time.Second, r.name+" sees the voting open", func() bool {
				var c struct {
					OpenWindow *string `json:"open_window"`
				}
				r.must(t, http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/contests/%d", year), "", nil, &c)
				return c.OpenWindow != nil && *c.OpenWindow == "voting"
			})
		}
		tok := login(r1, replicaVoter, replicaPassword)
		const requests = 16
		codes := make([]int, requests)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range requests {
			wg.Go(func() {
				<-start
				codes[i], _ = rs[i%2].call(t, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/votes", year), tok,
					map[string]any{"category": 3, "nomination_id": nomination})
			})
		}
		close(start)
		wg.Wait()
		created, conflicts := 0, 0
		for _, c := range codes {
			switch c {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
				conflicts++
			}
		}
		if created != 1 || conflicts != requests-1 {
			t.Fatalf("answers %v: want one 201 and %d × 409", codes, requests-1)
		}
		stored := 0
		if err := st.EachVote(ctx, year, func(v models.Vote) error {
			if v.VoterID == voter.ID {
				stored++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if stored != 1 {
			t.Fatalf("%d votes of the voter stored, want 1", stored)
		}
	})

	t.Run("each mail of the outbox is delivered once by the two workers", func(t *testing.T) {
		eventually(t, 30*time.Second, "every mail recorded as sent", func() bool {
			unsent, err := st.UnsentMails(ctx)
			return err == nil && len(unsent) == 0
		})
		time.Sleep(time.Second) // a duplicate would be on its way by now
		seen := map[string]int{}
		var subjects []string
		for _, m := range smtp.Messages() {
			seen[m.Header.Get("Message-Id")]++
			if strings.HasPrefix(m.Subject, "left unsent") {
				subjects = append(subjects, m.Subject)
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("message %s delivered %d times", id, n)
			}
		}
		slices.Sort(subjects)
		if !slices.Equal(subjects, leftUnsent) {
			t.Fatalf("mails left unsent delivered as %q, want each of the %d once", subjects, len(leftUnsent))
		}
		for _, r := range rs {
			t.Logf("%s delivered %d mails", r.name, strings.Count(r.logs.String(), `"msg":"mail sent"`))
		}
	})

	t.Run("periodic jobs run on both replicas without colliding", func(t *testing.T) {
		// The clean-up ran at each start: the expired records are gone, once,
		// and the others stay.
		for i := range 12 {
			_, err := st.RefreshToken(ctx, fmt.Sprintf("token-%02d", i))
			if expired := i%3 != 0; expired != errors.Is(err, models.ErrNotFound) {
				t.Errorf("refresh token %d (expired %v): %v", i, expired, err)
			}
		}
		// The anomaly pass, asked of both at once, counts the one vote on each.
		var wg sync.WaitGroup
		for _, r := range rs {
			wg.Go(func() {
				var report struct {
					Votes int `json:"votes"`
				}
				r.must(t, http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/admin/contests/%d/anomalies?fresh=true", year), admin1, nil, &report)
				if report.Votes != 1 {
					t.Errorf("anomaly report of %s counts %d votes, want 1", r.name, report.Votes)
				}
			})
		}
		wg.Wait()
		for _, r := range rs {
			for _, msg := range []string{"clean-up of expired records failed", "search index catch-up failed", "anomaly reports not refreshed"} {
				if strings.Contains(r.logs.String(), msg) {
					t.Errorf("%s logged %q", r.name, msg)
				}
			}
			if errs := logEntries(r.logs.String(), "ERROR"); len(errs) > 0 {
				t.Errorf("%s logged errors:\n%s", r.name, strings.Join(errs, "\n"))
			}
		}
	})
}

// publishProject records a project with word in its title and summary as
// the admin, submits it and publishes it, all through r, and returns its id.
func publishProject(t *testing.T, r *replica, admin, word string) string {
	t.Helper()
	var p struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	r.must(t, http.StatusCreated, http.MethodPost, "/api/v1/projects", admin, map[string]any{
		"title": "Schools online " + word, "summary": words(25, "connecting") + " " + word,
		"description": "Solar-powered connectivity for rural schools.", "organization": "Digital Sahel",
		"stakeholder_type": "civil-society", "countries": []string{"SN"}, "coverage": "national",
		"action_lines": []string{"c3"}, "sdgs": []int{4}, "status": "ongoing", "start_date": "2022-03-01",
		"website": "https://digitalsahel.example", "contact_email": "team@digitalsahel.example",
	}, &p)
	r.must(t, http.StatusOK, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", admin, nil, nil)
	r.must(t, http.StatusOK, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", admin, nil, &p)
	if p.State != "published" {
		t.Fatalf("project %s is %s after publishing", p.ID, p.State)
	}
	return p.ID
}

// openVoting opens a contest of year through r, nominates a published
// project in category 3, publishes it as the one nominee and opens the
// voting, and returns the nomination's id.
func openVoting(t *testing.T, r *replica, admin string, year int) string {
	t.Helper()
	project := publishProject(t, r, admin, "ballotproject")
	r.must(t, http.StatusCreated, http.MethodPost, "/api/v1/admin/contests", admin, map[string]any{
		"year": year, "title": "WSIS Prizes (replicas)", "schedule": replicaSchedule(0),
		"settings": map[string]int{"reviews_per_nomination": 1, "nominees_per_category": 1},
	}, nil)
	var n struct {
		ID string `json:"id"`
	}
	r.must(t, http.StatusCreated, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/nominations", year), admin, map[string]any{
		"project_id": project, "category": 3, "short_description": words(160, "voters"), "impact": words(60, "impact"),
		"sdg_linkage": words(60, "education"), "partnerships": words(60, "partners"), "challenges": words(60, "power"),
		"implementation": "completed",
	}, &n)
	contest := fmt.Sprintf("/api/v1/admin/contests/%d", year)
	r.must(t, http.StatusOK, http.MethodPatch, contest, admin, map[string]any{"schedule": replicaSchedule(3)}, nil)
	r.must(t, http.StatusOK, http.MethodPost, contest+"/nominees/publish", admin,
		map[string]any{"add": []string{n.ID}, "reason": "The Expert Group met in person."}, nil)
	r.must(t, http.StatusOK, http.MethodPatch, contest, admin, map[string]any{"schedule": replicaSchedule(4)}, nil)
	return n.ID
}
