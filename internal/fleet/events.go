package fleet

import (
	"strconv"

	"github.com/vigil/vigil"
)

// The rules of fleet events (issue 13.3): which event a change of an
// asset's exposure makes, and when an EPSS score crosses a threshold. The
// application finds the changes; these say what to record.

// TransitionKinds are the event kinds that record an asset's exposure
// state: the latest of them is the state last recorded.
var TransitionKinds = []vigil.AssetEventKind{vigil.EventExposed, vigil.EventExposureRemoved, vigil.EventExposureRestored}

// ExposureNow is an asset's exposure to one vulnerability as computed now.
type ExposureNow int

const (
	// NotNamed: nothing names the asset for the vulnerability any more (a
	// mapping or link went, the finding is resolved).
	NotNamed ExposureNow = iota
	// Exposed: something says the device is affected and no statement
	// covers it.
	Exposed
	// Removed: only statements (not affected, fixed) name it.
	Removed
)

// Transition says which event records going from the last recorded
// transition (the zero kind when none was recorded) to now, and false when
// nothing is to be recorded. An asset never recorded as exposed makes no
// event when a statement covers it, and an exposure that merely stops
// being named (a mapping removed) is not a statement removing it.
func Transition(last vigil.AssetEventKind, now ExposureNow) (vigil.AssetEventKind, bool) {
	wasExposed := last == vigil.EventExposed || last == vigil.EventExposureRestored
	switch {
	case now == Exposed && last == "":
		return vigil.EventExposed, true
	case now == Exposed && last == vigil.EventExposureRemoved:
		return vigil.EventExposureRestored, true
	case now == Removed && wasExposed:
		return vigil.EventExposureRemoved, true
	}
	return "", false
}

// EPSSCrossed reports whether a vulnerability's EPSS probability crossed
// threshold between two scores, in either direction: reaching it makes the
// vulnerability's exploitability high in the organization's risk rules,
// falling below it lowers it. A first score (no previous one) crosses when
// it is at or above the threshold.
func EPSSCrossed(prev *float64, cur, threshold float64) bool {
	if threshold <= 0 {
		return false
	}
	if prev == nil {
		return cur >= threshold
	}
	return (*prev >= threshold) != (cur >= threshold)
}

// FormatScore writes an EPSS probability as events show it.
func FormatScore(p float64) string { return strconv.FormatFloat(p, 'f', 5, 64) }
