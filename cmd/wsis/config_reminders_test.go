package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig_ReviewRemindersDefaultOverrideAndInvalid(t *testing.T) {
	c, err := loadConfig("wsis", nil, env(nil), io.Discard)
	if want := []time.Duration{168 * time.Hour, 48 * time.Hour, 24 * time.Hour}; err != nil || !slices.Equal(c.ReviewReminders, want) {
		t.Fatalf("default reminders %v (%v), want %v", c.ReviewReminders, err, want)
	}
	c, err = loadConfig("wsis", []string{"-review-reminders", "12h"}, env(map[string]string{"WSIS_REVIEW_REMINDERS": "72h,6h"}), io.Discard)
	if err != nil || !slices.Equal(c.ReviewReminders, []time.Duration{12 * time.Hour}) {
		t.Fatalf("the flag over the environment: %v (%v)", c.ReviewReminders, err)
	}
	for _, bad := range []string{"2d", "24h,24h", "-1h", "24h,,6h"} {
		_, err := loadConfig("wsis", nil, env(map[string]string{"WSIS_REVIEW_REMINDERS": bad}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "WSIS_REVIEW_REMINDERS") {
			t.Errorf("%q: %v, want an error naming WSIS_REVIEW_REMINDERS", bad, err)
		}
	}
}
