package models

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
)

// The kinds of anomaly an admin is shown (SPEC §5 vote integrity).
const (
	// AnomalyClientBurst is many votes from one client IP hash within a
	// short window.
	AnomalyClientBurst = "client-burst"
	// AnomalyAccountBurst is accounts created close together voting for one
	// nominee.
	AnomalyAccountBurst = "account-burst"
	// AnomalyDisposableEmail is voters whose email domain hands out
	// throw-away addresses.
	AnomalyDisposableEmail = "disposable-email"
)

// EvidenceLimit is how many vote or voter ids one anomaly lists; its counts
// are exact however many there are.
const EvidenceLimit = 200

// AnomalyThresholds say when votes look suspicious: ClientVotes votes or
// more from one client hash within ClientWindow, BurstVoters voters or more
// of one nominee whose accounts were created within BurstWindow.
type AnomalyThresholds struct {
	ClientVotes  int
	ClientWindow time.Duration
	BurstVoters  int
	BurstWindow  time.Duration
}

// MarshalJSON writes the thresholds with their windows in seconds.
func (t AnomalyThresholds) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientVotes  int   `json:"client_votes"`
		ClientWindow int64 `json:"client_window_seconds"`
		BurstVoters  int   `json:"burst_voters"`
		BurstWindow  int64 `json:"burst_window_seconds"`
	}{t.ClientVotes, int64(t.ClientWindow.Seconds()), t.BurstVoters, int64(t.BurstWindow.Seconds())})
}

// WithDefaults returns t with each zero field set to its default: 20 votes
// in 10 minutes from one client, 10 accounts created within an hour.
func (t AnomalyThresholds) WithDefaults() AnomalyThresholds {
	if t.ClientVotes <= 0 {
		t.ClientVotes = 20
	}
	if t.ClientWindow <= 0 {
		t.ClientWindow = 10 * time.Minute
	}
	if t.BurstVoters <= 0 {
		t.BurstVoters = 10
	}
	if t.BurstWindow <= 0 {
		t.BurstWindow = time.Hour
	}
	return t
}

// Anomaly is one explainable flag with its evidence. Kind says which
// fields are set: a client burst names the ClientHash, an account burst the
// nominee (Category, NominationID), a disposable-email flag the Domain.
// From and To bound the window the flag is about; Votes and Voters are
// exact, VoteIDs and VoterIDs list at most EvidenceLimit each.
type Anomaly struct {
	Kind         string     `json:"kind"`
	Explanation  string     `json:"explanation"`
	ClientHash   string     `json:"client_hash,omitempty"`
	Category     int        `json:"category,omitempty"`
	NominationID string     `json:"nomination_id,omitempty"`
	Domain       string     `json:"domain,omitempty"`
	From         *time.Time `json:"from,omitempty"`
	To           *time.Time `json:"to,omitempty"`
	Votes        int        `json:"votes"`
	Voters       int        `json:"voters"`
	VoteIDs      []string   `json:"vote_ids,omitempty"`
	VoterIDs     []string   `json:"voter_ids,omitempty"`
}

// Histogram counts events per time bucket of a fixed width: what a burst
// check keeps per key instead of the events themselves.
type Histogram struct {
	Bucket time.Duration
	counts map[int64]int
}

// NewHistogram returns an empty histogram whose buckets are a tenth of
// window: a burst is then found in windows aligned to a tenth of their
// length.
func NewHistogram(window time.Duration) *Histogram {
	return &Histogram{Bucket: max(window/10, time.Millisecond), counts: map[int64]int{}}
}

// Add counts one event at t.
func (h *Histogram) Add(t time.Time) { h.counts[h.bucket(t)]++ }

func (h *Histogram) bucket(t time.Time) int64 {
	return t.UnixMilli() / h.Bucket.Milliseconds()
}

// Span is a stretch of time and the events in it.
type Span struct {
	From, To time.Time
	Count    int
}

// Contains reports whether t falls within s (From inclusive, To exclusive).
func (s Span) Contains(t time.Time) bool { return !t.Before(s.From) && t.Before(s.To) }

// Bursts returns the spans where some window of ten buckets (the window
// the histogram was made for) holds at least atLeast events; overlapping
// windows merge into one span, whose Count is every event in it.
func (h *Histogram) Bursts(atLeast int) []Span {
	const width = 10
	keys := make([]int64, 0, len(h.counts))
	for k := range h.counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	type run struct{ first, last int64 }
	var runs []run
	sum, l := 0, 0
	for _, k := range keys {
		sum += h.counts[k]
		for keys[l] <= k-width {
			sum -= h.counts[keys[l]]
			l++
		}
		if sum < atLeast {
			continue
		}
		if n := len(runs); n > 0 && keys[l] <= runs[n-1].last {
			runs[n-1].last = k
		} else {
			runs = append(runs, run{keys[l], k})
		}
	}
	bucket := h.Bucket.Milliseconds()
	spans := make([]Span, len(runs))
	for i, ru := range runs {
		count := 0
		for _, k := range keys {
			if k >= ru.first && k <= ru.last {
				count += h.counts[k]
			}
		}
		spans[i] = Span{From: time.UnixMilli(ru.first * bucket).UTC(), To: time.UnixMilli((ru.last + 1) * bucket).UTC(), Count: count}
	}
	return spans
}

//go:embed disposable_domains.txt
var disposableList string

var disposableDomains = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(disposableList) {
		if d := strings.TrimSpace(line); d != "" && !strings.HasPrefix(d, "#") {
			m[strings.ToLower(d)] = true
		}
	}
	return m
})

// DisposableDomain returns the domain of email, or of which it is a
// subdomain, that is on the embedded list of disposable email domains
// (disposable_domains.txt names its source and licence), and whether there
// is one.
func DisposableDomain(email string) (string, bool) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return "", false
	}
	domain := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[at+1:])), ".")
	list := disposableDomains()
	for d := domain; d != ""; {
		if list[d] {
			return d, true
		}
		dot := strings.IndexByte(d, '.')
		if dot < 0 {
			break
		}
		d = d[dot+1:]
	}
	return "", false
}
