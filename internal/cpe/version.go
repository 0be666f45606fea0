package cpe

import "strings"

// CompareVersions orders two CPE version strings, returning -1, 0 or +1.
// CPE versions follow no single scheme, so the rule is a numeric-aware
// dotted comparison, case-insensitive:
//
//   - A version is split into tokens: runs of digits (numbers) and runs
//     of letters (words). Every other character ("." "-" "_" "+" "~" …)
//     only separates tokens, so "1.0-1" equals "1.0.1". A leading "v"
//     before a digit is dropped ("v1.2" equals "1.2").
//   - Tokens compare in order. Numbers compare by value, of any length
//     ("4.8.1" < "4.10.0", "20240814" < "20241001"). Words compare by
//     rank, then alphabetically. All tokens sit on one scale: first the
//     pre-release words (dev and snapshot, alpha, beta, milestone, then
//     pre, preview, rc and cr), then 0, then every other word, then the
//     numbers from 1 up. So "1.0.a" < "1.0.1" and "1.0rc1" < "1.0.0".
//   - A shorter version is padded with zeros, so trailing zeros do not
//     count ("1.0" equals "1.0.0"); what remains beyond them decides: a
//     number or an ordinary word makes the longer version greater (a post-release:
//     "2.0.9" < "2.0.9-hotfix.7" < "2.0.10", OpenSSL's "1.1.1" < "1.1.1k",
//     "1.0" < "1.0p1"); a pre-release word makes it smaller ("1.0rc1" <
//     "1.0", "2.0-beta.2" < "2.0").
//
// Single letters are ordinary words (OpenSSL's letter releases), not
// PEP 440's "a"/"b" pre-releases. The fixture lines in
// testdata/versions.txt pin the rule.
func CompareVersions(a, b string) int {
	ia, ib := skipV(a), skipV(b)
	for {
		ta, na, oka := next(a, ia)
		tb, nb, okb := next(b, ib)
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return -tail(b, ib)
		case !okb:
			return tail(a, ia)
		}
		if c := compareTokens(ta, tb); c != 0 {
			return c
		}
		ia, ib = na, nb
	}
}

type token struct {
	s   string // digits without leading zeros, or a word
	num bool
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 }

// skipV returns where v's tokens start: past a leading "v" or "V" that
// precedes a digit.
func skipV(v string) int {
	i := 0
	for i < len(v) && !isDigit(v[i]) && !isLetter(v[i]) {
		i++
	}
	if i+1 < len(v) && (v[i] == 'v' || v[i] == 'V') && isDigit(v[i+1]) {
		return i + 1
	}
	return i
}

// next returns the token at or after i and where the one after starts.
func next(v string, i int) (token, int, bool) {
	for i < len(v) && !isDigit(v[i]) && !isLetter(v[i]) {
		i++
	}
	if i >= len(v) {
		return token{}, i, false
	}
	j := i
	if isDigit(v[i]) {
		for j < len(v) && isDigit(v[j]) {
			j++
		}
		for i < j-1 && v[i] == '0' {
			i++
		}
		return token{s: v[i:j], num: true}, j, true
	}
	for j < len(v) && isLetter(v[j]) {
		j++
	}
	return token{s: v[i:j]}, j, true
}

// preRank ranks pre-release words; ordinary words rank above them all.
func preRank(w string) int {
	if len(w) < 2 || len(w) > 9 {
		return 10
	}
	switch strings.ToLower(w) {
	case "dev", "snapshot":
		return 0
	case "alpha":
		return 1
	case "beta":
		return 2
	case "milestone":
		return 3
	case "pre", "preview", "rc", "cr":
		return 4
	}
	return 10
}

// class places a token on one scale with the zero that pads a shorter
// version: pre-release words, then 0, then ordinary words, then the
// numbers from 1 up.
func class(t token) int {
	switch {
	case t.num && t.s == "0":
		return 1
	case t.num:
		return 3
	case preRank(t.s) < 10:
		return 0
	}
	return 2
}

func compareTokens(x, y token) int {
	if cx, cy := class(x), class(y); cx != cy {
		return sign(cx - cy)
	}
	switch {
	case x.num:
		if len(x.s) != len(y.s) {
			return sign(len(x.s) - len(y.s))
		}
		return strings.Compare(x.s, y.s)
	case preRank(x.s) != preRank(y.s):
		return sign(preRank(x.s) - preRank(y.s))
	}
	return compareFold(x.s, y.s)
}

// tail is the sign of the tokens of v from i on, which the other version
// lacks, compared with the zeros that pad the shorter one.
func tail(v string, i int) int {
	zero := token{s: "0", num: true}
	for {
		t, n, ok := next(v, i)
		if !ok {
			return 0
		}
		if c := compareTokens(t, zero); c != 0 {
			return c
		}
		i = n
	}
}

// compareFold compares ASCII words without regard to case.
func compareFold(x, y string) int {
	for i := 0; i < len(x) && i < len(y); i++ {
		a, b := lower(x[i]), lower(y[i])
		if a != b {
			return sign(int(a) - int(b))
		}
	}
	return sign(len(x) - len(y))
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
