// Package kev imports CISA's Known Exploited Vulnerabilities catalog, as
// JSON (known_exploited_vulnerabilities.json, streamed entry by entry; a
// single entry object is accepted too) or CSV
// (known_exploited_vulnerabilities.csv).
package kev

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/ingest"
)

// Name is the importer's name.
const Name = "feed/kev"

// Importer reads the KEV catalog.
type Importer struct {
	limits ingest.Limits
}

// New returns a KEV importer bounded by limits (zero: defaults).
func New(limits ingest.Limits) *Importer { return &Importer{limits: limits.WithDefaults()} }

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

var csvHeader = []string{"cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded",
	"shortDescription", "requiredAction", "dueDate", "knownRansomwareCampaignUse", "notes", "cwes"}

// Detect recognises the JSON catalog, a JSON entry, or the CSV header.
func (*Importer) Detect(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if bytes.HasPrefix(t, []byte("cveID,vendorProject,")) {
		return true
	}
	return bytes.HasPrefix(t, []byte("{")) && (bytes.Contains(head, []byte(`"catalogVersion"`)) ||
		(bytes.Contains(head, []byte(`"cveID"`)) && bytes.Contains(head, []byte(`"vendorProject"`))))
}

// entry is a catalog entry as CISA writes it.
type entry struct {
	CVEID                      string   `json:"cveID"`
	VendorProject              string   `json:"vendorProject"`
	Product                    string   `json:"product"`
	VulnerabilityName          string   `json:"vulnerabilityName"`
	DateAdded                  string   `json:"dateAdded"`
	ShortDescription           string   `json:"shortDescription"`
	RequiredAction             string   `json:"requiredAction"`
	DueDate                    string   `json:"dueDate"`
	KnownRansomwareCampaignUse string   `json:"knownRansomwareCampaignUse"`
	Notes                      string   `json:"notes"`
	CWEs                       []string `json:"cwes"`
}

// Import implements feed.Importer.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	br := bufio.NewReaderSize(r, feed.HeadSize)
	head, _ := br.Peek(feed.HeadSize)
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if !bytes.HasPrefix(t, []byte("{")) {
		return rep, im.importCSV(ctx, br, sink, &rep)
	}
	dec := feed.NewDecoder(br, im.limits)
	if !bytes.Contains(head, []byte(`"vulnerabilities"`)) {
		var e entry
		if err := dec.Decode(&e); err != nil {
			if feed.IsRecordError(err) {
				rep.Reject(vigil.SourceKEV, e.CVEID, "$", err)
				return rep, nil
			}
			return rep, fmt.Errorf("decode: %w", err)
		}
		return rep, im.put(ctx, &rep, sink, e, "", "$")
	}
	version := ""
	n := 0
	err := feed.Object(dec, func(key string) error {
		switch key {
		case "catalogVersion":
			return dec.Decode(&version)
		case "vulnerabilities":
			return feed.Array(dec, func(i int) error {
				path := fmt.Sprintf("$.vulnerabilities[%d]", i)
				if n++; n > im.limits.MaxRecords {
					return fmt.Errorf("more than %d records: %w", im.limits.MaxRecords, ingest.ErrLimit)
				}
				var e entry
				if err := dec.Decode(&e); err != nil {
					if feed.IsRecordError(err) {
						rep.Reject(vigil.SourceKEV, e.CVEID, path, err)
						return nil
					}
					return err
				}
				return im.put(ctx, &rep, sink, e, version, path)
			})
		}
		return feed.Skip(dec)
	})
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	return rep, nil
}

func (im *Importer) importCSV(ctx context.Context, r io.Reader, sink feed.Sink, rep *feed.Report) error {
	cr := csv.NewReader(ingest.SizeGuard(r, im.limits.MaxDocumentSize))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("csv header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, h := range csvHeader[:9] {
		if _, ok := col[h]; !ok {
			return fmt.Errorf("csv header: no %q column", h)
		}
	}
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrQuote) {
				rep.Reject(vigil.SourceKEV, "", fmt.Sprintf("line %d", pe.Line), err)
				continue
			}
			return fmt.Errorf("csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		path := fmt.Sprintf("line %d", line)
		if n > im.limits.MaxRecords {
			return fmt.Errorf("more than %d records: %w", im.limits.MaxRecords, ingest.ErrLimit)
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			if len(rec[i]) > im.limits.MaxStringSize {
				return rec[i][:im.limits.MaxStringSize]
			}
			return rec[i]
		}
		e := entry{CVEID: get("cveID"), VendorProject: get("vendorProject"), Product: get("product"),
			VulnerabilityName: get("vulnerabilityName"), DateAdded: get("dateAdded"), ShortDescription: get("shortDescription"),
			RequiredAction: get("requiredAction"), DueDate: get("dueDate"), KnownRansomwareCampaignUse: get("knownRansomwareCampaignUse"),
			Notes: get("notes")}
		for _, c := range strings.Split(get("cwes"), ",") {
			e.CWEs = feed.AppendUnique(e.CWEs, strings.TrimSpace(c))
		}
		if err := im.put(ctx, rep, sink, e, "", path); err != nil {
			return err
		}
	}
}

func (im *Importer) put(ctx context.Context, rep *feed.Report, sink feed.Sink, e entry, version, path string) error {
	k := &vigil.KEVEntry{
		CVEID: e.CVEID, VendorProject: e.VendorProject, Product: e.Product, VulnerabilityName: e.VulnerabilityName,
		ShortDescription: e.ShortDescription, RequiredAction: e.RequiredAction,
		RansomwareUse: vigil.RansomwareUse(e.KnownRansomwareCampaignUse), Notes: e.Notes,
		CWEs: feed.AppendUnique(nil, e.CWEs...), CatalogVersion: version,
		Provenance: vigil.Provenance{Source: vigil.SourceKEV, SourceID: e.CVEID},
	}
	var err error
	if k.DateAdded, err = vigil.ParseDate(e.DateAdded); err != nil {
		rep.Reject(vigil.SourceKEV, e.CVEID, path, fmt.Errorf("dateAdded: %w", err))
		return nil
	}
	if e.DueDate != "" {
		if k.DueDate, err = vigil.ParseDate(e.DueDate); err != nil {
			rep.Reject(vigil.SourceKEV, e.CVEID, path, fmt.Errorf("dueDate: %w", err))
			return nil
		}
	}
	return feed.Deliver(ctx, rep, vigil.SourceKEV, e.CVEID, path, k, func() (feed.Outcome, error) {
		return sink.PutKEV(ctx, k)
	})
}
