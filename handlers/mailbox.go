package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// mailboxEntry is what the development mailbox shows of a mail.
type mailboxEntry struct {
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// devMailbox serves the outbox, newest first, when WSIS_DEV_MAILBOX is on;
// otherwise the path does not exist (404).
func (s *server) devMailbox(c *gin.Context) {
	if !s.mailboxOn {
		respondError(c, &requestError{http.StatusNotFound, "not-found", "Not found", "the development mailbox is off"})
		return
	}
	mails, err := s.store.RecentMails(c.Request.Context(), 200)
	if err != nil {
		respondError(c, err)
		return
	}
	out := make([]mailboxEntry, len(mails))
	for i, m := range mails {
		out[i] = mailboxEntry{To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt}
	}
	c.JSON(http.StatusOK, out)
}
