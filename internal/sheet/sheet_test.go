package sheet

import "testing"

func TestFormulaSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"-", "-"},
		{"", ""},
		{"plain", "plain"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
	}
	for _, tc := range tests {
		got := FormulaSafe(tc.in)
		if got != tc.want {
			t.Errorf("FormulaSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if back := Unsafe(got); back != tc.in {
			t.Errorf("Unsafe(FormulaSafe(%q)) = %q", tc.in, back)
		}
	}
}
