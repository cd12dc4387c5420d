//go:build faults

package faults

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// app is one instance of the real binary, serving.
type app struct {
	name    string
	url     string // http://127.0.0.1:port
	cmd     *exec.Cmd
	out     *appOutput
	exited  chan struct{}
	waitErr error // once exited is closed
}

var listenLine = regexp.MustCompile(`listening on (http://\S+)`)

// appOutput keeps an instance's stdout and stderr and tells when it listens.
type appOutput struct {
	syncBuffer
	once      sync.Once
	listening chan string
}

func (o *appOutput) Write(p []byte) (int, error) {
	n, err := o.syncBuffer.Write(p)
	if m := listenLine.FindStringSubmatch(o.String()); m != nil {
		o.once.Do(func() { o.listening <- m[1] })
	}
	return n, err
}

// baseEnv is the environment every instance gets; the test adds DATABASE_URL, SMTP_URL ….
func baseEnv(dbURL, smtpAddr string) map[string]string {
	env := map[string]string{
		"DATABASE_URL":    dbURL,
		"ADDR":            "127.0.0.1:0",
		"APP_ENV":         "development",
		"BASE_URL":        "http://selvhjelpshus.test",
		"SECRET_KEY":      secretKey,
		"LOG_LEVEL":       "warn",
		"TRUSTED_PROXIES": "1", // the load sends a new X-Forwarded-For per request: no rate limit
		"MAIL_FROM":       "Selvhjelpshuset <ikke-svar@selvhjelpshus.test>",
	}
	if smtpAddr != "" {
		env["SMTP_URL"] = "smtp://" + smtpAddr
	}
	return env
}

// mailDomain is the host of BASE_URL: the right-hand side of every Message-ID.
const mailDomain = "selvhjelpshus.test"

func envList(env map[string]string) []string {
	list := []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	slices.Sort(list)
	return list
}

// launch starts `selvhjelpshus serve` without waiting for it; see listening. The instance
// is stopped (SIGTERM, and it must end cleanly) when t ends, and killed with the test
// process should that die first.
func launch(t *testing.T, name string, env map[string]string) *app {
	t.Helper()
	a := &app{name: name, out: &appOutput{listening: make(chan string, 1)}, exited: make(chan struct{})}
	a.cmd = exec.Command(bin, "serve")
	a.cmd.Env = envList(env)
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	processes.Store(a.cmd, struct{}{})
	go func() {
		a.waitErr = a.cmd.Wait()
		processes.Delete(a.cmd)
		close(a.exited)
	}()
	t.Cleanup(func() { a.stop(t) })
	return a
}

// listening waits until the instance says where it listens.
func (a *app) listening(t *testing.T) {
	t.Helper()
	select {
	case a.url = <-a.out.listening:
	case <-a.exited:
		t.Fatalf("%s ended before listening: %v\n%s", a.name, a.waitErr, a.out)
	case <-time.After(90 * time.Second):
		t.Fatalf("%s did not listen within 90 s:\n%s", a.name, a.out)
	}
}

// startApp launches an instance and waits until it listens.
func startApp(t *testing.T, name string, env map[string]string) *app {
	t.Helper()
	a := launch(t, name, env)
	a.listening(t)
	return a
}

// kill ends the instance with SIGKILL: no shutdown, no cleanup, as a crash or the OOM killer.
func (a *app) kill(t *testing.T) {
	t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not die of SIGKILL", a.name)
	}
}

// stop ends the instance as a supervisor does (SIGTERM) and checks that it ends cleanly.
func (a *app) stop(t *testing.T) {
	select {
	case <-a.exited:
	default:
		_ = a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.exited:
			if a.waitErr != nil {
				t.Errorf("%s ended with %v after SIGTERM", a.name, a.waitErr)
			}
		case <-time.After(30 * time.Second):
			_ = a.cmd.Process.Kill()
			<-a.exited
			t.Errorf("%s did not end within 30 s of SIGTERM", a.name)
		}
	}
	if t.Failed() {
		t.Logf("output of %s (last 6000 bytes):\n%s", a.name, tail(a.out.String(), 6000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// command runs another subcommand of the binary (seed, user create) to its end.
func command(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = envList(env)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("selvhjelpshus %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// client follows no redirects: the tests look at the 303s themselves.
var client = &http.Client{
	Timeout:       20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{MaxIdleConnsPerHost: 32, IdleConnTimeout: 30 * time.Second},
}

// reply is what the tests keep of a response.
type reply struct {
	status              int
	location, ctype     string
	retryAfter, body    string
	cookies             []*http.Cookie
	friendlyUnavailable bool // a 503 that is the "short break" page
}

// do sends a request and reads the whole answer.
func do(method, u string, form url.Values, hdr http.Header) (reply, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return reply{}, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: reading the answer: %w", method, u, err)
	}
	r := reply{status: res.StatusCode, location: res.Header.Get("Location"), ctype: res.Header.Get("Content-Type"),
		retryAfter: res.Header.Get("Retry-After"), body: string(b), cookies: res.Cookies()}
	r.friendlyUnavailable = r.status == http.StatusServiceUnavailable && isFriendly503(r)
	return r, nil
}

// staffLogin logs in on the instance at base and returns the session cookie.
func staffLogin(t *testing.T, base string) *http.Cookie {
	t.Helper()
	r, err := do("POST", base+"/logg-inn", url.Values{"email": {staffEmail}, "password": {staffPassword}},
		http.Header{"X-Forwarded-For": {"192.0.2.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusSeeOther || r.location != "/admin" {
		t.Fatalf("login: %d to %q, want 303 to /admin\n%s", r.status, r.location, tail(r.body, 2000))
	}
	for _, c := range r.cookies {
		if c.Name == "session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("login set no session cookie: %v", r.cookies)
	return nil
}
