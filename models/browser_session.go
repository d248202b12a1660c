package models

import "time"

// BrowserSession is the stored form of a web UI session, which a browser
// holds as an opaque cookie: only the token's SHA-256 is kept. Like a
// refresh token it is bound to the SessionVersion its user had at login,
// so a password reset or a disabling, which move the version on, ends it;
// logout ends it by an inserted record of its own.
type BrowserSession struct {
	Hash           string
	UserID         string
	SessionVersion int
	CreatedAt      time.Time
	ExpiresAt      time.Time
}
