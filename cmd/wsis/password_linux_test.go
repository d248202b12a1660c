//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/store"
)

// openTerminal returns the two ends of a new pseudo-terminal: the side a
// person types into, and the terminal a program reads.
func openTerminal(t *testing.T) (keyboard, tty *os.File) {
	t.Helper()
	keyboard, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { _ = keyboard.Close() })
	if err := unix.IoctlSetPointerInt(int(keyboard.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(int(keyboard.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tty.Close() })
	return keyboard, tty
}

func echoing(t *testing.T, tty *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// storedPasswordIs reports whether the admin of dataDir has password.
func storedPasswordIs(t *testing.T, dataDir, email, password string) bool {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Database: "wsis", DataDir: filepath.Join(dataDir, "db"), Logger: newLogger(io.Discard, "error")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	_, hash, err := st.UserCredentials(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := auth.NewHasher(1).Verify(ctx, hash, password)
	return err == nil && ok
}

func TestAdminCreate_PasswordTypedAtATerminalIsNotEchoed(t *testing.T) {
	keyboard, tty := openTerminal(t)
	dir := t.TempDir()
	if !echoing(t, tty) {
		t.Fatal("a new terminal does not echo")
	}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"admin", "create", "--email", "chief@example.org"},
			env(map[string]string{"WSIS_DATA_DIR": dir}), tty, io.Discard, io.Discard)
	}()
	// Type only once the prompt has turned echo off, as a person would.
	deadline := time.Now().Add(5 * time.Second)
	for echoing(t, tty) {
		if time.Now().After(deadline) {
			_, _ = io.WriteString(keyboard, "typed admin password\n") // let the command end
			t.Fatal("the password prompt echoes what is typed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := io.WriteString(keyboard, "typed admin password\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("admin create: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("admin create did not end")
	}
	if !echoing(t, tty) {
		t.Fatal("the terminal was left without echo")
	}
	if !storedPasswordIs(t, dir, "chief@example.org", "typed admin password") {
		t.Fatal("the typed password was not set")
	}
}

func TestAdminCreate_PasswordFromAPipeIsItsFirstLine(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = io.WriteString(w, "piped admin password\r\nand more\n")
		_ = w.Close()
	}()
	dir := t.TempDir()
	err = run(context.Background(), []string{"admin", "create", "--email", "chief@example.org"},
		env(map[string]string{"WSIS_DATA_DIR": dir}), r, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("admin create: %v", err)
	}
	if !storedPasswordIs(t, dir, "chief@example.org", "piped admin password") {
		t.Fatal("the first line of the pipe was not the password")
	}
}
