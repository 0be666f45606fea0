package sheet

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func cp1252(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestText(t *testing.T) {
	long := strings.Repeat("x", sniffSize+10)
	tests := []struct {
		name, in, enc string
		want, wantEnc string
		wantErr       error
		wantLine      int
	}{
		{"UTF8", "Manufacturer\nDräger\n", "", "Manufacturer\nDräger\n", "utf-8", nil, 0},
		{"BOM", "\xef\xbb\xbfTag\nÅ\n", "", "Tag\nÅ\n", "utf-8", nil, 0},
		{"Detected1252", cp1252(t, "Tag,Maker\nBME-1,Dräger Medical – Lübeck\n"), "", "Tag,Maker\nBME-1,Dräger Medical – Lübeck\n", "windows-1252", nil, 0},
		{"Declared1252", cp1252(t, "Œuvre €\n"), "cp1252", "Œuvre €\n", "windows-1252", nil, 0},
		{"Latin1", "caf\xe9\n", "latin-1", "café\n", "iso-8859-1", nil, 0},
		// UTF-8 for 64 KiB, then a Windows-1252 byte: refused at its line.
		{"LateBadByte", long + "\nok\nM\xfcller\n", "", "", "utf-8", &NotUTF8Error{}, 3},
		{"UnknownEncoding", "x", "ebcdic", "", "", errors.New("encoding"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, enc, err := Text(strings.NewReader(tt.in), tt.enc)
			if err != nil {
				if tt.wantErr == nil || !strings.Contains(err.Error(), "encoding") {
					t.Fatalf("Text: %v", err)
				}
				return
			}
			if enc != tt.wantEnc {
				t.Errorf("encoding %q, want %q", enc, tt.wantEnc)
			}
			got, err := io.ReadAll(r)
			var nu *NotUTF8Error
			switch {
			case tt.wantLine != 0:
				if !errors.As(err, &nu) || nu.Line != tt.wantLine {
					t.Errorf("error %v, want not UTF-8 at line %d", err, tt.wantLine)
				}
			case err != nil:
				t.Fatal(err)
			case string(got) != tt.want:
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLimitLines(t *testing.T) {
	r := LimitLines(strings.NewReader("short\n"+strings.Repeat("y", 100)+"\n"), 50)
	_, err := io.ReadAll(r)
	var tl *LineTooLongError
	if !errors.As(err, &tl) || tl.Line != 2 || !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v, want line 2 too long", err)
	}
	if _, err := io.ReadAll(LimitLines(strings.NewReader("a\nbb\n"), 2)); err != nil {
		t.Errorf("lines within the limit: %v", err)
	}
}

// FuzzText: any bytes in any encoding decode without a panic, and what
// comes out is valid UTF-8.
func FuzzText(f *testing.F) {
	f.Add([]byte("Tag,Maker\nBME-1,Dr\xe4ger\n"), "")
	f.Add([]byte("\xef\xbb\xbfTag\n\xc5\n"), "utf-8")
	f.Add([]byte("caf\xe9\n"), "latin-1")
	f.Add([]byte("ok\n\xf0\x9f\x98"), "")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		r, _, err := Text(bytes.NewReader(data), enc)
		if err != nil {
			return
		}
		out, err := io.ReadAll(LimitLines(r, 1<<16))
		if err == nil && !utf8.Valid(out) {
			t.Fatalf("decoded text is not UTF-8: %q", out)
		}
	})
}
