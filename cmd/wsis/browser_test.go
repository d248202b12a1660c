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

func TestUI_HomeAndCatalogueInARealBrowser(t *testing.T) {
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

	ctx := newBrowserContext(t, exe, 2*time.Minute)

	var categories int
	var title, direction string
	err := chromedp.Run(ctx,
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
	checkAccessibility(t, ctx, "home page in Arabic")
	if categories != 18 {
		t.Errorf("the page lists %d prize categories, want 18", categories)
	}
	if direction != "rtl" || title != "فئات الجوائز" {
		t.Errorf("after switching to Arabic: dir %q, heading %q", direction, title)
	}

	// The catalogue: a filter applies as soon as it is ticked, the query is
	// in the URL, and Back returns to the whole list.
	var all, filtered, back string
	var location string
	var cards int
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/projects?lang=en"),
		chromedp.Text(`#results-status`, &all, chromedp.ByQuery),
		// The script submits the form as soon as a filter changes.
		chromedp.Evaluate(`document.querySelector("input[name=region][value=europe]").click()`, nil),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	waitFor(ctx, t, `location.search.includes("region=europe")`)
	checkAccessibility(t, ctx, "filtered catalogue")
	err = chromedp.Run(ctx,
		chromedp.Location(&location),
		chromedp.Text(`#results-status`, &filtered, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll(".results li").length`, &cards),
		chromedp.Evaluate(`history.back()`, nil),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	waitFor(ctx, t, `location.search === "?lang=en"`)
	// A page restored from the back-forward cache is read by script.
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById("results-status").textContent.trim()`, &back)); err != nil {
		t.Fatalf("browser: %v", err)
	}
	// Every public page of this test in every language passes axe-core.
	for _, lang := range []string{"en", "fr", "es", "ar", "zh", "ru"} {
		for _, path := range []string{"/", "/projects", "/stats", "/login", "/register", "/forgot-password"} {
			if err := chromedp.Run(ctx, chromedp.Navigate(base+path+"?lang="+lang)); err != nil {
				t.Fatalf("browser: %v", err)
			}
			checkAccessibility(t, ctx, path+" in "+lang)
		}
	}
	if all != "60 projects found" || back != all {
		t.Errorf("whole catalogue %q, after Back %q; want 60 projects found", all, back)
	}
	if !strings.Contains(location, "region=europe") || filtered == all || cards == 0 || cards > 20 {
		t.Errorf("after ticking Europe: %s shows %q and %d cards", location, filtered, cards)
	}
}

// waitFor asks the browser until the page it has loaded makes condition
// true; evaluating while the browser navigates fails, and is asked again.
func waitFor(ctx context.Context, t *testing.T, condition string) {
	t.Helper()
	for loaded := false; !loaded; time.Sleep(50 * time.Millisecond) {
		if ctx.Err() != nil {
			t.Fatalf("the browser never reached %s", condition)
		}
		_ = chromedp.Run(ctx, chromedp.Evaluate(condition+` && document.readyState === "complete"`, &loaded))
	}
}

// newBrowserContext starts Chromium headless and returns a context that
// drives one of its tabs for at most limit; the test's end closes it.
func newBrowserContext(t *testing.T, exe string, limit time.Duration) context.Context {
	t.Helper()
	// The browser may still write its profile as it exits; its removal is
	// best effort rather than a test's TempDir, whose cleanup must succeed.
	profile, err := os.MkdirTemp("", "wsis-browser-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(profile))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	return ctx
}
