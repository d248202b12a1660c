package models

import "time"

// Mail is one outgoing message. It is written to the outbox before any
// attempt to deliver it, so no message is lost when the SMTP server is down.
type Mail struct {
	ID        string    `json:"id"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

// The kinds of mail the platform sends.
const (
	MailVerifyEmail    = "verify-email"
	MailResetPassword  = "reset-password"
	MailProjectChanged = "project-state"
	MailNomination     = "nomination-state"
	MailAssignment     = "reviewer-assignment"
	MailVoteReceipt    = "vote-receipt"
)

// MailDecoy is the kind of a mail written to the outbox and never
// delivered nor listed: it gives a request that must not tell whether an
// account exists (password/forgot) the same work as one that mails.
const MailDecoy = "decoy"
