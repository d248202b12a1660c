package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// MailReviewReminder is the reminder to a reviewer whose reviews are not
// all submitted as their review deadline nears.
const MailReviewReminder MailKey = "mail.review.reminder"

// MailKindReviewReminder is the kind of a review reminder in the outbox.
const MailKindReviewReminder = "review-reminder"

// DefaultReviewReminders are how long before their review deadline
// reviewers are reminded of unsubmitted reviews: 7 days, 2 days and 1 day.
var DefaultReviewReminders = []time.Duration{7 * 24 * time.Hour, 48 * time.Hour, 24 * time.Hour}

// ParseReviewReminders reads a comma-separated list of positive durations
// ("168h,48h,24h"), each at most a year and none twice, longest first.
// It returns an error that says what is wrong.
func ParseReviewReminders(v string) ([]time.Duration, error) {
	var out []time.Duration
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		d, err := time.ParseDuration(part)
		if err != nil || d <= 0 || d > 366*24*time.Hour {
			return nil, fmt.Errorf("%q is not a duration from 1s to 8784h (e.g. 168h,48h,24h)", part)
		}
		if slices.Contains(out, d) {
			return nil, fmt.Errorf("%s is given twice", part)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return int(b - a) })
	return out, nil
}

// ReviewReminderMailID is the designed outbox _id of the reminder sent to
// the reviewer for the year's contest offset before their deadline: the
// outbox's unique _id makes it go out once, however many replicas run
// SendReviewReminders at the same time.
func ReviewReminderMailID(year int, reviewerID string, offset time.Duration) string {
	return "review-reminder." + strconv.Itoa(year) + "." + reviewerID + "." + offset.String()
}

// SendReviewReminders mails every reviewer who has reviews not submitted
// in a contest under review the reminder that is due: of the offsets
// before their deadline (the review window's end, or their extension's)
// whose time has come, the latest one, once. A reminder whose time passed
// while a later one came due is not sent late. Reviews of nominations no
// longer in review do not count. The platform's periodic job calls it;
// it returns how many mails it queued, and the first error.
func (s *Service) SendReviewReminders(ctx context.Context, offsets []time.Duration) (int, error) {
	if len(offsets) == 0 {
		return 0, nil
	}
	now := s.clock.Now()
	contests, err := s.store.Contests(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, contest := range contests {
		if now.Before(contest.Schedule.Review.OpensAt) || contest.Stages.NomineesPublished {
			continue
		}
		n, err := s.remindContest(ctx, contest, offsets, now)
		sent += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

func (s *Service) remindContest(ctx context.Context, contest models.Contest, offsets []time.Duration, now time.Time) (int, error) {
	pending, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: contest.Year, State: models.ReviewDraft})
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	inReview, err := s.store.Nominations(ctx, store.NominationQuery{Contest: contest.Year, States: models.ReviewedStates})
	if err != nil {
		return 0, err
	}
	reviewed := map[string]bool{}
	for _, n := range inReview {
		reviewed[n.ID] = true
	}
	open := map[string]int{}
	var reviewers []string
	for _, a := range pending {
		if !reviewed[a.NominationID] {
			continue
		}
		if open[a.ReviewerID] == 0 {
			reviewers = append(reviewers, a.ReviewerID)
		}
		open[a.ReviewerID]++
	}
	slices.Sort(reviewers)
	sent := 0
	for _, id := range reviewers {
		deadline, err := s.ReviewDeadline(ctx, contest, id)
		if err != nil {
			return sent, err
		}
		offset, due := dueReminder(offsets, deadline, now)
		if !due {
			continue
		}
		queued, err := s.sendReminder(ctx, contest.Year, id, offset, MailData{Year: contest.Year, Count: open[id], ClosesAt: deadline})
		if err != nil {
			return sent, err
		}
		if queued {
			sent++
		}
	}
	return sent, nil
}

// dueReminder returns the smallest offset whose time before deadline has
// come at now, and whether there is one; none is due once the deadline
// passed.
func dueReminder(offsets []time.Duration, deadline, now time.Time) (time.Duration, bool) {
	if !now.Before(deadline) {
		return 0, false
	}
	best, due := time.Duration(0), false
	for _, o := range offsets {
		if !now.Before(deadline.Add(-o)) && (!due || o < best) {
			best, due = o, true
		}
	}
	return best, due
}

// sendReminder queues the reminder offset before the deadline to the
// reviewer, under its designed id; it reports false when that reminder was
// queued before.
func (s *Service) sendReminder(ctx context.Context, year int, reviewerID string, offset time.Duration, data MailData) (bool, error) {
	to, err := s.store.UserByID(ctx, reviewerID)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !to.ActiveReviewer() {
		return false, nil
	}
	data.Name, data.URL = to.Name, s.publicURL
	subject, body, err := RenderMailIn(MailLocale(to), MailReviewReminder, data)
	if err != nil {
		return false, err
	}
	_, err = s.mailer.Send(ctx, models.Mail{ID: ReviewReminderMailID(year, reviewerID, offset), To: to.Email,
		Kind: MailKindReviewReminder, Subject: subject, Body: body})
	if errors.Is(err, models.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

// RunReviewReminders sends the due review reminders (SendReviewReminders)
// now and then every interval until ctx ends, logging what it could not
// send.
func (s *Service) RunReviewReminders(ctx context.Context, offsets []time.Duration, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if n, err := s.SendReviewReminders(ctx, offsets); err != nil && ctx.Err() == nil {
			s.log.Warn("review reminders not all sent", "err", err, "sent", n)
		} else if n > 0 {
			s.log.Info("review reminders sent", "mails", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
