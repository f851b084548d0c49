//go:build !windows

package azure

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/amlaks/amlaks/wizard"
)

// A hung az (a script whose Python child never answers) is killed with its
// child when the context ends: no process outlives the call.
func TestAzCLIHungIsKilledWithItsChildren(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	az := filepath.Join(dir, "az")
	script := "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nwait\n"
	if err := os.WriteFile(az, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &azCLICredential{az: az, timeout: 500 * time.Millisecond}
	start := time.Now()
	_, tokErr := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}})
	if tokErr == nil || tokErr.Error() != "`az account get-access-token` did not answer in 500ms (killed)" {
		t.Fatalf("err = %v, want az named as hung", tokErr)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	// dead: gone, or a zombie waiting for a reaper (PID 1 of a container
	// may never reap it)
	alive := func() bool {
		if syscall.Kill(pid, 0) != nil {
			return false
		}
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		return len(f) == 0 || f[0] != "Z"
	}
	for i := 0; i < 50 && alive(); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if alive() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("az's child %d outlived the call", pid)
	}
	if m := signInError("list", tokErr); m.Hint != hintSignInTimeout {
		t.Fatalf("hint %q, want the timeout's", m.Hint)
	}
}

func TestAzCLIAnswers(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		az := filepath.Join(dir, "az")
		_ = os.WriteFile(az, []byte("#!/bin/sh\n"+body+"\n"), 0o755)
		return az
	}
	opts := policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}}
	exp := time.Now().Add(time.Hour).Unix()
	c := &azCLICredential{az: write(`echo '{"accessToken":"tok","expires_on":` + strconv.FormatInt(exp, 10) + `}'`)}
	tok, err := c.GetToken(context.Background(), opts)
	if err != nil || tok.Token != "tok" || tok.ExpiresOn.Unix() != exp {
		t.Fatalf("%+v %v", tok, err)
	}
	c.az = write(`echo '{"accessToken":"old","expiresOn":"2099-01-02 03:04:05.000000"}'`)
	if tok, err = c.GetToken(context.Background(), opts); err != nil || tok.Token != "old" || tok.ExpiresOn.Year() != 2099 {
		t.Fatalf("older az: %+v %v", tok, err)
	}
	c.az = write(`echo 'ERROR: Please run az login to setup account.' >&2; exit 1`)
	if _, err = c.GetToken(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "az login") {
		t.Fatalf("not signed in: %v", err)
	}
	c.az = write(`echo 'garbage'`)
	if _, err = c.GetToken(context.Background(), opts); err == nil || signInError("x", err).Hint != hintSignInGarbage {
		t.Fatalf("garbage: %v", err)
	}
	c.az = filepath.Join(dir, "nope")
	if _, err = c.GetToken(context.Background(), opts); err == nil || signInError("x", err).Hint != hintNoAz {
		t.Fatalf("missing az: %v", err)
	}
}

// TestChainNamesAHungAz: the chain's error names the hung az and gives the
// hint of a hung az, not "run az login".
func TestChainNamesAHungAz(t *testing.T) {
	cleanCredentialEnv(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte("#!/bin/sh\nexec sleep 300\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+"/usr/bin:/bin")
	ch, err := newChain(CredentialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ch.links[0].cred.(*azCLICredential).timeout = 300 * time.Millisecond
	_, _, err = ch.getToken(context.Background(), armScope)
	if !strings.Contains(err.Error(), "`az account get-access-token` did not answer in 300ms") || wizard.HintOf(err) != hintSignInTimeout {
		t.Fatalf("err %v, hint %q", err, wizard.HintOf(err))
	}
}

// TestKillHelpers: an az still running when amlaks is done is killed with
// its children (main calls KillHelpers on its way out).
func TestKillHelpers(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	az := filepath.Join(dir, "az")
	os.WriteFile(az, []byte("#!/bin/sh\nsleep 300 &\necho $! > "+pidFile+"\nwait\n"), 0o755)
	c := &azCLICredential{az: az}
	done := make(chan error, 1)
	go func() {
		_, err := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}})
		done <- err
	}()
	var pid int
	for i := 0; i < 200 && pid == 0; i++ {
		time.Sleep(10 * time.Millisecond)
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if pid == 0 {
		t.Fatal("az did not start")
	}
	KillHelpers()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("GetToken still waits for the killed az")
	}
	for i := 0; i < 50 && alive(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("az's child %d outlived KillHelpers", pid)
	}
}

// alive: not gone and not a zombie waiting for a reaper (PID 1 of a
// container may never reap it).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
	return len(f) == 0 || f[0] != "Z"
}
