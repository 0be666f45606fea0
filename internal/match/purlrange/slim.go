package purlrange

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// What the matcher reads of an affected package, kept apart from the whole
// record so that a scan can decide which candidate records match at all
// before it reads them (docs/matching.md, "Candidates"): ecosystem, name,
// purl, ranges and versions. EncodeAffected writes it compactly;
// DecodeAffected reads that form, and also a JSON array of OSV affected
// entries as stores migrated from before keep it.

// slimFormat is the first byte of EncodeAffected's form.
const slimFormat = 0x01

// maxSlimItems bounds any count in an encoded form, so that a corrupt one
// cannot make DecodeAffected allocate without bound.
const maxSlimItems = 1 << 20

// Slim returns what the matcher reads of a: no severities, no ecosystem- or
// database-specific data.
func Slim(a vigil.AffectedPackage) vigil.AffectedPackage {
	return vigil.AffectedPackage{Ecosystem: a.Ecosystem, Name: a.Name, PURL: a.PURL, Ranges: a.Ranges, Versions: a.Versions}
}

// EncodeAffected writes the slim form (Slim) of entries.
func EncodeAffected(entries []vigil.AffectedPackage) []byte {
	b := []byte{slimFormat}
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for _, a := range entries {
		str(string(a.Ecosystem))
		str(a.Name)
		str(a.PURL)
		b = binary.AppendUvarint(b, uint64(len(a.Ranges)))
		for _, r := range a.Ranges {
			str(string(r.Type))
			str(r.Repo)
			b = binary.AppendUvarint(b, uint64(len(r.Events)))
			for _, e := range r.Events {
				str(string(e.Kind))
				str(e.Version)
			}
		}
		b = binary.AppendUvarint(b, uint64(len(a.Versions)))
		for _, v := range a.Versions {
			str(v)
		}
	}
	return b
}

var errSlimTruncated = errors.New("truncated")

// DecodeAffected reads what EncodeAffected wrote, or a JSON array of OSV
// affected entries.
func DecodeAffected(b []byte) ([]vigil.AffectedPackage, error) {
	if len(b) > 0 && b[0] == '[' {
		var out []vigil.AffectedPackage
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("affected packages: %w", err)
		}
		return out, nil
	}
	if len(b) == 0 || b[0] != slimFormat {
		return nil, errors.New("affected packages: unknown form")
	}
	d := slimDecoder{b: b[1:]}
	n := d.count()
	out := make([]vigil.AffectedPackage, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		a := vigil.AffectedPackage{Ecosystem: vigil.Ecosystem(d.known()), Name: d.str(), PURL: d.str()}
		if nr := d.count(); nr > 0 {
			a.Ranges = make([]vigil.Range, 0, nr)
			for j := 0; j < nr && d.err == nil; j++ {
				r := vigil.Range{Type: vigil.RangeType(d.known()), Repo: d.str()}
				ne := d.count()
				r.Events = make([]vigil.Event, 0, ne)
				for k := 0; k < ne && d.err == nil; k++ {
					r.Events = append(r.Events, vigil.Event{Kind: vigil.EventKind(d.known()), Version: d.str()})
				}
				a.Ranges = append(a.Ranges, r)
			}
		}
		if nv := d.count(); nv > 0 {
			a.Versions = make([]string, 0, nv)
			for j := 0; j < nv && d.err == nil; j++ {
				a.Versions = append(a.Versions, d.str())
			}
		}
		out = append(out, a)
	}
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes after the end", len(d.b))
	}
	if d.err != nil {
		return nil, fmt.Errorf("affected packages: %w", d.err)
	}
	return out, nil
}

type slimDecoder struct {
	b   []byte
	err error
}

func (d *slimDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errSlimTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a count, which must be small enough and not exceed what is
// left (every item takes at least one byte).
func (d *slimDecoder) count() int {
	v := d.uvarint()
	if d.err == nil && (v > maxSlimItems || v > uint64(len(d.b))) {
		d.err = fmt.Errorf("count %d exceeds the data", v)
		return 0
	}
	return int(v)
}

// known is str for the few words that recur in every entry (range types,
// event kinds, the common ecosystems): those come back without a copy.
func (d *slimDecoder) known() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errSlimTruncated
		return ""
	}
	b := d.b[:n]
	d.b = d.b[n:]
	switch string(b) {
	case "introduced":
		return "introduced"
	case "fixed":
		return "fixed"
	case "last_affected":
		return "last_affected"
	case "limit":
		return "limit"
	case "SEMVER":
		return "SEMVER"
	case "ECOSYSTEM":
		return "ECOSYSTEM"
	case "GIT":
		return "GIT"
	case "npm":
		return "npm"
	case "PyPI":
		return "PyPI"
	case "Go":
		return "Go"
	case "Maven":
		return "Maven"
	case "crates.io":
		return "crates.io"
	case "NuGet":
		return "NuGet"
	case "RubyGems":
		return "RubyGems"
	case "Packagist":
		return "Packagist"
	}
	return string(b)
}

func (d *slimDecoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errSlimTruncated
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// ReportsAlways reports whether the matcher says something of a even when
// no component has its package: a GIT range without versions, an
// ecosystem whose version order or purl type is unknown, no package named.
// A record's slim rows must carry such entries for every package, so that
// deciding from the rows reports what deciding from the whole record
// would.
func ReportsAlways(a vigil.AffectedPackage) bool {
	v := &vigil.Vulnerability{ID: "-", Affected: []vigil.AffectedPackage{a}}
	res, _ := New().Match(context.Background(), match.Record{Vuln: v}, match.NewSBOM(nil))
	return len(res.Unsupported) > 0
}
