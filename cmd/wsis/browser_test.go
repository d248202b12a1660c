package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserPath finds Chromium. CI installs it and sets WSIS_REQUIRE_BROWSER,
// so there a missing browser fails the test instead of skipping it.
func browserPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("WSIS_REQUIRE_BROWSER") != "" {
		t.Fatal("no Chromium found, and WSIS_REQUIRE_BROWSER is set")
	}
	t.Skip("no Chromium found; install Debian's chromium to run the browser test")
	return ""
}

func TestUI_HomePageInARealBrowser(t *testing.T) {
	exe := browserPath(t)
	dir := t.TempDir()
	if err := run(context.Background(), []string{"seed", "--projects", "60", "--users", "3"},
		env(map[string]string{"WSIS_DATA_DIR": dir}), strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	base, stop := startServer(t, dir, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()

	// The browser may still write its profile as it exits; its removal is
	// best effort rather than a test's TempDir, whose cleanup must succeed.
	profile, err := os.MkdirTemp("", "wsis-browser-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(profile))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	var categories int
	var title, direction string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`.categories li`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll(".categories li").length`, &categories),
		// The language switcher is a link: Arabic pages are right-to-left.
		chromedp.Click(`.languages a[hreflang=ar]`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[dir=rtl] .categories li`, chromedp.ByQuery),
		chromedp.Text(`#categories-title`, &title, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.dir`, &direction),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if categories != 18 {
		t.Errorf("the page lists %d prize categories, want 18", categories)
	}
	if direction != "rtl" || title != "فئات الجوائز" {
		t.Errorf("after switching to Arabic: dir %q, heading %q", direction, title)
	}
}
