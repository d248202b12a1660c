package handlers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/wsis-platform/wsis/models"
)

// Rate allows Events per Per, in a burst or spread out.
type Rate struct {
	Events int
	Per    time.Duration
}

// ParseRate reads "N/duration", e.g. "10/1m" or "5/1h".
func ParseRate(s string) (Rate, error) {
	n, d, ok := strings.Cut(s, "/")
	events, err := strconv.Atoi(n)
	if !ok || err != nil || events < 1 {
		return Rate{}, errors.New(`must be "N/duration" with N ≥ 1, e.g. "10/1m"`)
	}
	per, err := time.ParseDuration(d)
	if err != nil || per <= 0 {
		return Rate{}, errors.New(`must be "N/duration" with a positive duration, e.g. "10/1m"`)
	}
	return Rate{Events: events, Per: per}, nil
}

func (r Rate) String() string { return fmt.Sprintf("%d/%s", r.Events, r.Per) }

// RateLimits are the abuse limits of the endpoints that take credentials or
// send mail; each applies per client IP and, where the request names an
// account, per account.
type RateLimits struct {
	Login, Register, Refresh, Forgot Rate
}

// DefaultRateLimits are the limits when none are configured.
var DefaultRateLimits = RateLimits{
	Login:    Rate{10, time.Minute},
	Register: Rate{10, time.Hour},
	Refresh:  Rate{60, time.Minute},
	Forgot:   Rate{5, time.Hour},
}

// keyedLimiter is a token bucket per key (an IP or an account). Buckets idle
// long enough to have refilled are dropped, so memory follows the active
// keys. The limits hold per replica.
type keyedLimiter struct {
	rate    Rate
	mu      sync.Mutex
	buckets map[string]*bucket
	sweptAt time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyedLimiter(r Rate) *keyedLimiter {
	return &keyedLimiter{rate: r, buckets: map[string]*bucket{}, sweptAt: time.Now()}
}

// take spends one event for key and returns how long to wait when there is
// none left.
func (l *keyedLimiter) take(key string) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweptAt) > l.rate.Per {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > l.rate.Per {
				delete(l.buckets, k)
			}
		}
		l.sweptAt = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.rate.Per/time.Duration(l.rate.Events)), l.rate.Events)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// limiter is one endpoint's pair of limits: per client IP and per account.
type limiter struct {
	byIP, byAccount *keyedLimiter
}

func newLimiter(r Rate) *limiter {
	return &limiter{byIP: newKeyedLimiter(r), byAccount: newKeyedLimiter(r)}
}

// allow spends one event of the client's IP and, when account is not empty,
// of the account. It answers 429 with Retry-After and returns false when
// either is exhausted.
func (l *limiter) allow(c *gin.Context, account string) bool {
	wait, ok := l.byIP.take(c.ClientIP())
	if ok && account != "" {
		wait, ok = l.byAccount.take(account)
	}
	if ok {
		return true
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	respondError(c, models.WithDetail(models.ErrRateLimited, "too many attempts; try again later"))
	return false
}
