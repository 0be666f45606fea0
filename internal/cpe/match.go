package cpe

import "strings"

// Relation is how a source value or name relates to a target (NISTIR 7696
// §6.1): the set of things the source names is a superset of, a subset
// of, equal to or disjoint from the target's; undefined when the target
// holds wildcards.
type Relation int

const (
	Disjoint Relation = iota
	Subset
	Superset
	Equal
	Undefined
)

var relationNames = [...]string{"DISJOINT", "SUBSET", "SUPERSET", "EQUAL", "UNDEFINED"}

// String returns the spec's name for r, e.g. "SUPERSET".
func (r Relation) String() string {
	if r < 0 || int(r) >= len(relationNames) {
		return "Relation(?)"
	}
	return relationNames[r]
}

// CompareAttr compares a source attribute value with a target one, both
// in WFN form (NISTIR 7696 §6.1.2, Table 6-2).
func CompareAttr(source, target string) Relation {
	if source == "" {
		source = Any
	}
	if target == "" {
		target = Any
	}
	source, target = strings.ToLower(source), strings.ToLower(target)
	tLogical := target == Any || target == NA
	if !tLogical && HasWildcards(target) {
		return Undefined
	}
	if source == target {
		return Equal
	}
	switch {
	case source == Any:
		return Superset
	case target == Any:
		return Subset
	case source == NA || target == NA:
		return Disjoint
	}
	return compareStrings(source, target)
}

// compareStrings is NISTIR 7696's compare_strings: source may lead or
// trail with "*" (any run) or "?"s (at most that many characters); quoted
// characters in target count as one.
func compareStrings(source, target string) Relation {
	start, end := 0, len(source)
	begins, ends := 0, 0
	if source[0] == '*' {
		start, begins = 1, -1
	} else {
		for start < len(source) && source[start] == '?' {
			start++
			begins++
		}
	}
	if end > start && source[end-1] == '*' && evenBackslashes(source, end-1) {
		end, ends = end-1, -1
	} else {
		for end > start && source[end-1] == '?' && evenBackslashes(source, end-1) {
			end--
			ends++
		}
	}
	body := source[start:end]
	if body == "" {
		// Only wildcards: "?"s match up to that many characters.
		n := len(target) - countEscapes(target, 0, len(target))
		if begins == -1 || ends == -1 || n <= begins+ends {
			return Superset
		}
		return Disjoint
	}
	index := -1
	leftover := len(target)
	for leftover > 0 {
		i := indexFrom(target, body, index+1)
		if i < 0 {
			break
		}
		index = i
		if !evenBackslashes(target, index) {
			continue // inside a quoted pair
		}
		if index > 0 && begins != -1 && begins < index-countEscapes(target, 0, index) {
			break
		}
		leftover = len(target) - index - countEscapes(target, index+len(body), len(target)) - len(body)
		if leftover > 0 && ends != -1 && leftover > ends {
			continue
		}
		return Superset
	}
	return Disjoint
}

func indexFrom(s, sub string, from int) int {
	if from > len(s) {
		return -1
	}
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// evenBackslashes reports whether the backslashes just before s[i] are
// even in number, i.e. s[i] is not quoted.
func evenBackslashes(s string, i int) bool {
	n := 0
	for i > 0 && s[i-1] == '\\' {
		i--
		n++
	}
	return n%2 == 0
}

// countEscapes counts the quoting backslashes in s[from:to].
func countEscapes(s string, from, to int) int {
	n := 0
	for i := from; i < to && i < len(s); i++ {
		if s[i] == '\\' {
			n++
			i++
		}
	}
	return n
}

// Compare compares every attribute of source with target's.
func Compare(source, target Name) [numAttrs]Relation {
	var r [numAttrs]Relation
	for i := range source {
		r[i] = CompareAttr(source[i], target[i])
	}
	return r
}

// IsDisjoint reports whether some attribute is disjoint (NISTIR 7696 §6.2).
func IsDisjoint(source, target Name) bool {
	for i := range source {
		if CompareAttr(source[i], target[i]) == Disjoint {
			return true
		}
	}
	return false
}

// IsEqual reports whether every attribute is equal.
func IsEqual(source, target Name) bool {
	for i := range source {
		if CompareAttr(source[i], target[i]) != Equal {
			return false
		}
	}
	return true
}

// IsSubset reports whether target is a subset of source per the spec's
// name comparison: every attribute SUBSET or EQUAL.
func IsSubset(source, target Name) bool {
	for i := range source {
		if r := CompareAttr(source[i], target[i]); r != Subset && r != Equal {
			return false
		}
	}
	return true
}

// IsSuperset reports whether source names everything target names: every
// attribute SUPERSET or EQUAL. This is how a match criterion (source)
// matches a product's CPE (target).
func IsSuperset(source, target Name) bool {
	for i := range source {
		if r := CompareAttr(source[i], target[i]); r != Superset && r != Equal {
			return false
		}
	}
	return true
}
