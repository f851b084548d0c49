package cli

import (
	"reflect"
	"testing"
)

// TestNoteRelayKeepsEarlyNotes: what is said before the command shows
// anything (the token fetch starts before the flags are parsed) reaches
// the first sink, once.
func TestNoteRelayKeepsEarlyNotes(t *testing.T) {
	var r NoteRelay
	r.Emit("early")
	var got []string
	r.Set(func(s string) { got = append(got, s) })
	r.Emit("later")
	r.Set(func(s string) { got = append(got, "2:"+s) })
	r.Emit("last")
	if want := []string{"early", "later", "2:last"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
