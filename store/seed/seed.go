// Package seed fills a database with realistic synthetic Stocktaking data:
// accounts and published projects spread over every action line, SDG,
// region, stakeholder type, status and year. Demos, benchmarks and tests use
// it; nothing in it runs in a serving platform.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Options say how much to create.
type Options struct {
	Projects int
	Users    int
	// PasswordHash is the hash every seeded account gets (one hash, so that
	// seeding stays fast).
	PasswordHash string
	// Seed makes the data repeatable.
	Seed uint64
	Now  time.Time
}

// Result names what was created.
type Result struct {
	Users    []models.User
	Projects int
}

// Run creates the accounts and the projects in batches.
func Run(ctx context.Context, st *store.Store, opts Options) (Result, error) {
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed))
	if opts.Users < 1 {
		opts.Users = 1
	}
	var res Result
	const batch = 1000
	for done := 0; done < opts.Users; done += batch {
		us := make([]models.User, min(batch, opts.Users-done))
		for i := range us {
			us[i] = models.User{
				Email: fmt.Sprintf("stakeholder%d@seed.example", done+i), Name: pick(rng, firstNames) + " " + pick(rng, lastNames),
				Organization: organization(rng), StakeholderType: pick(rng, models.StakeholderTypes),
				Country: pick(rng, models.Countries()).Code, CreatedAt: opts.Now,
			}
		}
		us, err := st.InsertUsers(ctx, us, opts.PasswordHash)
		if err != nil {
			return res, fmt.Errorf("seed: users: %w", err)
		}
		res.Users = append(res.Users, us...)
	}
	for done := 0; done < opts.Projects; done += batch {
		n := min(batch, opts.Projects-done)
		ps := make([]models.Project, n)
		for i := range ps {
			ps[i] = Project(rng, res.Users[rng.IntN(len(res.Users))].ID, opts.Now)
		}
		if err := st.InsertProjects(ctx, ps); err != nil {
			return res, fmt.Errorf("seed: projects: %w", err)
		}
		res.Projects += n
	}
	return res, nil
}

// Project returns a published project of ownerID with plausible content,
// published at a time between 2005 and now.
func Project(rng *rand.Rand, ownerID string, now time.Time) models.Project {
	c := Content(rng)
	start := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	published := start.Add(time.Duration(rng.Int64N(int64(now.Sub(start))))).Truncate(time.Millisecond)
	pub := c
	return models.Project{ProjectContent: c, State: models.ProjectPublished, OwnerID: ownerID, Published: &pub,
		PublishedAt: &published, CreatedAt: published, UpdatedAt: published}
}

// Content returns valid project content drawn from rng.
func Content(rng *rand.Rand) models.ProjectContent {
	topic := pick(rng, topics)
	place := pick(rng, models.Countries())
	countries := []string{place.Code}
	for range rng.IntN(3) {
		if c := pick(rng, models.Countries()).Code; !contains(countries, c) {
			countries = append(countries, c)
		}
	}
	lines := []string{pick(rng, models.ActionLines).Code}
	if rng.IntN(2) == 0 {
		if l := pick(rng, models.ActionLines).Code; l != lines[0] {
			lines = append(lines, l)
		}
	}
	sdgs := []int{1 + rng.IntN(17)}
	if g := 1 + rng.IntN(17); g != sdgs[0] {
		sdgs = append(sdgs, g)
	}
	var gdc []int
	if rng.IntN(2) == 0 {
		gdc = []int{1 + rng.IntN(5)}
	}
	startDate := time.Date(2003+rng.IntN(22), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	endDate := ""
	status := pick(rng, models.ProjectStatuses)
	if status == "completed" {
		endDate = startDate.AddDate(1+rng.IntN(4), 0, 0).Format(time.DateOnly)
	}
	org := organization(rng)
	return models.ProjectContent{
		Title:        fmt.Sprintf("%s %s in %s", pick(rng, adjectives), topic, place.Name),
		Summary:      summary(rng, topic, place.Name),
		Description:  strings.Repeat(summary(rng, topic, place.Name)+" ", 1+rng.IntN(4)),
		Organization: org, StakeholderType: pick(rng, models.StakeholderTypes), Countries: countries,
		Coverage: pick(rng, models.Coverages), ActionLines: lines, SDGs: sdgs, GDCObjectives: nonNil(gdc),
		Status: status, StartDate: startDate.Format(time.DateOnly), EndDate: endDate,
		Website:      "https://" + strings.ToLower(strings.ReplaceAll(org, " ", "-")) + ".example/" + strings.ReplaceAll(topic, " ", "-"),
		Partners:     []string{organization(rng)},
		ContactEmail: "contact@" + strings.ToLower(strings.ReplaceAll(org, " ", "")) + ".example",
	}
}

func summary(rng *rand.Rand, topic, place string) string {
	return fmt.Sprintf("The initiative brings %s to %s communities in %s, working with local partners to train %d people, "+
		"connect public services and measure results so that the approach can be replicated in neighbouring regions.",
		topic, pick(rng, []string{"rural", "urban", "remote", "coastal", "mountain"}), place, 50+rng.IntN(5000))
}

func organization(rng *rand.Rand) string {
	return pick(rng, orgWords) + " " + pick(rng, orgKinds)
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func nonNil(xs []int) []int {
	if xs == nil {
		return []int{}
	}
	return xs
}

var (
	topics = []string{"digital literacy", "mobile health records", "broadband for schools", "e-government portals",
		"open data platforms", "cybersecurity awareness", "telemedicine", "precision agriculture", "digital payments",
		"community networks", "online learning", "climate data services", "local language content", "e-commerce for artisans",
		"digital identity", "women in technology", "public Wi-Fi", "disaster early warning", "open science repositories"}
	adjectives = []string{"Connected", "Inclusive", "Open", "Smart", "Community", "National", "Regional", "Digital", "Sustainable"}
	orgWords   = []string{"Sahel", "Andes", "Pacific", "Nile", "Baltic", "Mekong", "Atlas", "Caribbean", "Danube", "Himalaya"}
	orgKinds   = []string{"Digital Foundation", "Telecom Authority", "University", "ICT Agency", "Connect", "Innovation Hub",
		"Ministry of ICT", "Development Network"}
	firstNames = []string{"Amina", "Carlos", "Mei", "Olga", "Kwame", "Fatima", "Arjun", "Lucia", "Tomas", "Aisha"}
	lastNames  = []string{"Diallo", "Silva", "Chen", "Ivanova", "Mensah", "Haddad", "Sharma", "Rossi", "Novak", "Okafor"}
)
