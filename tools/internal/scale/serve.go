package scale

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// Server is a `vigil serve` child process on a loopback port.
type Server struct {
	Cmd *exec.Cmd
	// Base is its URL, "http://127.0.0.1:PORT".
	Base string
}

// StartServe starts `vigil serve` from the binary bin with args before
// "serve" (such as --db) and env (nil: the harness's own) on a free port of
// 127.0.0.1 — the harnesses never listen or send beyond the loopback
// interface — and waits until /readyz answers 200, for at most 30 s. The
// server's stderr goes to stderr (nil: discarded).
func StartServe(ctx context.Context, bin string, args, env []string, stderr io.Writer) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append(args, "serve", "--listen", addr)...)
	cmd.Env = env
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Cmd: cmd, Base: "http://" + addr}
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Base+"/readyz", nil)
		if err != nil {
			return err
		}
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("vigil serve did not become ready in 30 s")
}

// Stop asks the server to shut down gracefully and waits for it.
func (s *Server) Stop() {
	s.Cmd.Process.Signal(os.Interrupt)
	s.Cmd.Wait()
}
