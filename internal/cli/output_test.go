package cli

import (
	"bytes"
	"testing"
)

func TestCSVDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	tab := &table{header: []string{"A", "B"}}
	tab.add("=HYPERLINK(\"http://evil\")", "+1")
	tab.add("-2+3", "@SUM(A1)")
	tab.add("\tcmd", "-")
	tab.add("plain", "a=b")
	if err := render(&b, formatCSV, nil, tab); err != nil {
		t.Fatal(err)
	}
	want := "A,B\n\"'=HYPERLINK(\"\"http://evil\"\")\",'+1\n'-2+3,'@SUM(A1)\n'\tcmd,-\nplain,a=b\n"
	if b.String() != want {
		t.Errorf("csv =\n%q\nwant\n%q", b.String(), want)
	}
}

func TestTableStripsControlCharacters(t *testing.T) {
	var b bytes.Buffer
	tab := &table{header: []string{"NAME"}}
	tab.add("evil\x1b[31mred\x07")
	if err := render(&b, formatTable, nil, tab); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(b.Bytes(), "\x1b\x07") {
		t.Errorf("table output keeps control characters: %q", b.String())
	}
}
