package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// cacheFor bounds how stale this process's view of a contest and its
// published nominees may be when another replica changed them; this
// process's own writes clear the cache at once (write-through).
const cacheFor = time.Second

// voting is what the vote path keeps in memory: the batcher that stores
// votes, caches of contests and published nominees (every vote reads them),
// the accounts known to be verified (verification is never undone), the
// receipt key, and the receipt mails waiting to be grouped.
type voting struct {
	store   *store.Store
	batcher *store.VoteBatcher

	mu       sync.Mutex
	loading  sync.Mutex // one reader of the nominees at a time, not one per waiting vote
	contests map[int]cachedContest
	verified map[string]bool
	key      []byte

	receipts *receiptDigest
}

type cachedContest struct {
	contest  models.Contest
	nominees *nomineeIndex // nil until read
	at       time.Time
}

// nomineeIndex is a contest's published nominees: by category for the
// ballot, and each nominee's category for a vote's check.
type nomineeIndex struct {
	list     map[int][]models.Nomination
	category map[string]int
}

func newVoting(st *store.Store, mailer Mailer, publicURL string, every time.Duration, log *slog.Logger) *voting {
	v := &voting{store: st, contests: map[int]cachedContest{}, verified: map[string]bool{}}
	v.receipts = newReceiptDigest(mailer, publicURL, every, log)
	v.batcher = st.NewVoteBatcher(store.VoteBatcherOptions{Logger: log})
	return v
}

// contest returns the year's contest, from the cache when fresh.
func (v *voting) contest(ctx context.Context, year int, now time.Time) (models.Contest, error) {
	v.mu.Lock()
	c, ok := v.contests[year]
	v.mu.Unlock()
	if ok && now.Sub(c.at) < cacheFor && !now.Before(c.at) {
		return c.contest, nil
	}
	contest, err := v.store.Contest(ctx, year)
	if err != nil {
		return models.Contest{}, err
	}
	v.mu.Lock()
	fresh := cachedContest{contest: contest, at: now}
	if old, ok := v.contests[year]; ok && old.contest.Version == contest.Version {
		fresh.nominees = old.nominees // nothing changed: the nominees stand
	}
	v.contests[year] = fresh
	v.mu.Unlock()
	return contest, nil
}

// nominees returns the year's contest and its published nominees, from the
// cache when fresh. Returns ErrNotFound when they are not published.
func (v *voting) nominees(ctx context.Context, year int, now time.Time) (models.Contest, *nomineeIndex, error) {
	contest, err := v.contest(ctx, year, now)
	if err != nil {
		return models.Contest{}, nil, err
	}
	if !contest.Stages.NomineesPublished {
		return models.Contest{}, nil, models.WithDetail(models.ErrNotFound, "the nominees of this contest are not published yet")
	}
	if idx := v.cachedNominees(year, contest.Version); idx != nil {
		return contest, idx, nil
	}
	v.loading.Lock()
	defer v.loading.Unlock()
	if idx := v.cachedNominees(year, contest.Version); idx != nil {
		return contest, idx, nil // another vote read them meanwhile
	}
	list, err := v.store.Nominations(ctx, store.NominationQuery{Contest: year,
		States: []models.NominationState{models.NominationNominee, models.NominationChampion, models.NominationWinner}})
	if err != nil {
		return models.Contest{}, nil, err
	}
	idx := &nomineeIndex{list: map[int][]models.Nomination{}, category: map[string]int{}}
	for _, n := range list {
		if state, ok := n.PublicState(contest.Stages); ok {
			n.State = state
			idx.list[n.Category] = append(idx.list[n.Category], n)
			idx.category[n.ID] = n.Category
		}
	}
	v.mu.Lock()
	if c, ok := v.contests[year]; ok && c.contest.Version == contest.Version {
		c.nominees = idx
		v.contests[year] = c
	}
	v.mu.Unlock()
	return contest, idx, nil
}

// cachedNominees returns the cached nominees of the contest at version, or
// nil.
func (v *voting) cachedNominees(year, version int) *nomineeIndex {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c := v.contests[year]; c.nominees != nil && c.contest.Version == version {
		return c.nominees
	}
	return nil
}

// forget drops the cached contest of year: this process changed it.
func (v *voting) forget(year int) {
	v.mu.Lock()
	delete(v.contests, year)
	v.mu.Unlock()
}

// mayVote returns nil when actor may vote (SPEC §5), or ErrForbidden saying
// why; a verified account is remembered, since verification is never
// undone, while disabling is read from the account the request carries.
func (v *voting) mayVote(ctx context.Context, actor models.User) error {
	if actor.ID == "" {
		return models.ErrUnauthorized
	}
	v.mu.Lock()
	known := v.verified[actor.ID]
	v.mu.Unlock()
	if !known {
		ok, err := v.store.EmailVerified(ctx, actor.ID)
		if err != nil {
			return err
		}
		if ok {
			v.mu.Lock()
			if len(v.verified) >= 1_000_000 { // bounded: start again rather than grow
				v.verified = map[string]bool{}
			}
			v.verified[actor.ID] = true
			v.mu.Unlock()
		}
		known = ok
	}
	return models.Voter(actor, known)
}

// receiptKey returns the server's receipt key, read once.
func (v *voting) receiptKey(ctx context.Context, now time.Time) ([]byte, error) {
	v.mu.Lock()
	key := v.key
	v.mu.Unlock()
	if key != nil {
		return key, nil
	}
	key, err := v.store.Secret(ctx, receiptKeyName, now)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.key = key
	v.mu.Unlock()
	return key, nil
}

// close stores every queued vote and sends the waiting receipt mails.
func (v *voting) close(ctx context.Context) error {
	err := v.batcher.Close(ctx)
	v.receipts.close(ctx)
	return err
}

// receiptDigest groups each voter's receipts into one mail per few minutes
// (SPEC §5): a voter voting in eighteen categories gets one mail listing
// eighteen receipts, not eighteen mails. It is best effort: the receipts
// are also in every vote's answer and under the voter's votes.
type receiptDigest struct {
	mailer    Mailer
	publicURL string
	log       *slog.Logger

	mu      sync.Mutex
	pending map[string]*pendingReceipts
	stop    chan struct{}
	done    chan struct{}
}

type pendingReceipts struct {
	to, name string
	lang     *locale.Locale
	votes    []models.Vote
}

func newReceiptDigest(mailer Mailer, publicURL string, every time.Duration, log *slog.Logger) *receiptDigest {
	d := &receiptDigest{mailer: mailer, publicURL: publicURL, log: log, pending: map[string]*pendingReceipts{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				d.send(context.Background(), time.Now())
			case <-d.stop:
				return
			}
		}
	}()
	return d
}

func (d *receiptDigest) add(voter models.User, v models.Vote) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.pending[voter.ID]
	if p == nil {
		p = &pendingReceipts{to: voter.Email, name: voter.Name, lang: MailLocale(voter)}
		d.pending[voter.ID] = p
	}
	p.votes = append(p.votes, v)
}

// send queues one mail per voter with receipts waiting, in the outbox.
func (d *receiptDigest) send(ctx context.Context, now time.Time) {
	d.mu.Lock()
	pending := d.pending
	d.pending = map[string]*pendingReceipts{}
	d.mu.Unlock()
	mails := make([]models.Mail, 0, len(pending))
	for _, p := range pending {
		subject, body, err := RenderMailIn(p.lang, MailVoteReceipts, MailData{Name: p.name, URL: d.publicURL, Votes: p.votes})
		if err != nil {
			d.log.Error("vote receipt mail not rendered", "err", err, "votes", len(p.votes))
			continue
		}
		mails = append(mails, models.Mail{To: p.to, Kind: models.MailVoteReceipt, CreatedAt: now, Subject: subject, Body: body})
	}
	if len(mails) == 0 {
		return
	}
	// Thousands of voters a few minutes: one write per thousand mails, not
	// one per mail, so the burst does not hold up the votes.
	if many, ok := d.mailer.(batchMailer); ok {
		if _, err := many.SendMany(ctx, mails); err != nil {
			d.log.Error("vote receipt mails not all queued", "err", err, "mails", len(mails))
		}
		return
	}
	for _, m := range mails {
		if _, err := d.mailer.Send(ctx, m); err != nil {
			d.log.Error("vote receipt mail not queued", "err", err)
		}
	}
}

// batchMailer is a Mailer that can also write many mails at once.
type batchMailer interface {
	SendMany(ctx context.Context, ms []models.Mail) ([]models.Mail, error)
}

func (d *receiptDigest) close(ctx context.Context) {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	<-d.done
	d.send(ctx, time.Now())
}

// updateContest is store.UpdateContest that also clears this process's
// cached contest, so that the next vote sees the change at once.
func (s *Service) updateContest(ctx context.Context, year, version int, at time.Time, change func(*models.Contest) error) (before, after models.Contest, err error) {
	defer s.voting.forget(year)
	return s.store.UpdateContest(ctx, year, version, at, change)
}
