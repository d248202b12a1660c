package mail

// SMTPServerAddr returns the host:port that s connects to.
func SMTPServerAddr(s *SMTPSender) (string, error) {
	c, err := s.client()
	if err != nil {
		return "", err
	}
	return c.ServerAddr(), nil
}
