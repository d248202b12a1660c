package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
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

// RateLimits are the abuse limits. Those of the endpoints that take
// credentials or send mail apply per client (an IPv4 address, or an IPv6
// /64, which one subscriber typically holds whole) and, where the request
// names an account, per account. Login spends the client's limit on every
// attempt but the account's only on a failed one, so a user's own sign-ins
// never use it up; while failures have exhausted it, even the right password
// is refused. Write applies per signed-in account to the writes of projects,
// the profile and nominations, so that one account cannot flood them from
// many addresses.
type RateLimits struct {
	Login, Register, Refresh, Forgot, Write Rate
	// Vote limits the votes of one account; VoteIP those of one client
	// address (or IPv6 /64), which many voters behind one network share.
	Vote, VoteIP Rate
}

// DefaultRateLimits are the limits when none are configured.
var DefaultRateLimits = RateLimits{
	Login:    Rate{10, time.Minute},
	Register: Rate{10, time.Hour},
	Refresh:  Rate{60, time.Minute},
	Forgot:   Rate{5, time.Hour},
	Write:    Rate{60, time.Minute},
	Vote:     Rate{30, time.Minute},
	VoteIP:   Rate{600, time.Minute},
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
// none left; then nothing is spent.
func (l *keyedLimiter) take(key string) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.bucket(key, now).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// peek reports whether key has an event left, and how long to wait when it
// has not, without spending one.
func (l *keyedLimiter) peek(key string) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.bucket(key, now).lim
	tokens := lim.TokensAt(now)
	if tokens >= 1 {
		return 0, true
	}
	return time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second)), false
}

// spend spends one event for key even when there is none left, so that
// concurrent spenders who all passed peek push the next allowed event
// further out instead of going unpunished.
func (l *keyedLimiter) spend(key string) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bucket(key, now).lim.ReserveN(now, 1)
}

// bucket returns key's bucket, made on first use, after dropping the buckets
// idle long enough to have refilled. The caller holds l.mu.
func (l *keyedLimiter) bucket(key string, now time.Time) *bucket {
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
	return b
}

// limiter is one endpoint's pair of limits: per client and per account.
type limiter struct {
	byClient, byAccount *keyedLimiter
}

func newLimiter(r Rate) *limiter {
	return &limiter{byClient: newKeyedLimiter(r), byAccount: newKeyedLimiter(r)}
}

// allow spends one event of the client and, when account is not empty, of
// the account. It answers 429 with Retry-After and returns false when
// either is exhausted.
func (l *limiter) allow(c *gin.Context, account string) bool {
	wait, ok := l.byClient.take(clientKey(c))
	if ok && account != "" {
		wait, ok = l.byAccount.take(account)
	}
	return ok || tooMany(c, wait)
}

// allowFailures spends one event of the client and checks, without spending
// one, that the account has an event left for a failure. It answers 429
// with Retry-After and returns false when either is exhausted. The caller
// reports each failure with failed.
func (l *limiter) allowFailures(c *gin.Context, account string) bool {
	wait, ok := l.byClient.take(clientKey(c))
	if ok {
		wait, ok = l.byAccount.peek(account)
	}
	return ok || tooMany(c, wait)
}

// failed spends one event of the account for a failed attempt.
func (l *limiter) failed(account string) { l.byAccount.spend(account) }

// limitWrites spends one event of the signed-in account's write limit and
// answers 429 with Retry-After when there is none left. It runs after
// requireUser.
func (s *server) limitWrites() gin.HandlerFunc {
	return func(c *gin.Context) {
		if wait, ok := s.limits.write.take(currentUser(c).ID); !ok {
			tooMany(c, wait)
			return
		}
		c.Next()
	}
}

// limitVotes spends one event of the signed-in account's and of the
// client's vote limits (SPEC §5 vote integrity) and answers 429 with
// Retry-After when either has none left. It runs after requireUser.
func (s *server) limitVotes() gin.HandlerFunc {
	return func(c *gin.Context) {
		wait, ok := s.limits.voteIP.take(clientKey(c))
		if ok {
			wait, ok = s.limits.vote.take(currentUser(c).ID)
		}
		if !ok {
			tooMany(c, wait)
			return
		}
		c.Next()
	}
}

func tooMany(c *gin.Context, wait time.Duration) bool {
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	respondError(c, models.WithDetail(models.ErrRateLimited, "too many attempts; try again later"))
	return false
}

// clientKey is the client's rate-limit key: its IP as gin resolves it
// through the trusted proxies, or for IPv6 the /64 it belongs to, since one
// subscriber holds a whole /64 and could otherwise use a new address for
// every request.
func clientKey(c *gin.Context) string {
	ip := c.ClientIP()
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, _ := addr.WithZone("").Prefix(64)
	return p.String()
}
