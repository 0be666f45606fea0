package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/forms"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

// MDS2Step is what the demo did with MDS2 forms: the manufacturer's form
// for the demo release, cross-checked, and the hospital's evaluation of
// three candidate infusion pumps.
type MDS2Step struct {
	Release   string                  `json:"release"`
	Import    *forms.MDS2Import       `json:"import"`
	Check     *forms.MDS2Check        `json:"check"`
	Candidate []*forms.MDS2Import     `json:"candidates"`
	Report    *mds2.ProcurementReport `json:"report"`
}

// demoPorts are the ports the demo release declares. The manufacturer's
// form names the first three; SSH is declared but missing from the form,
// which the cross-check reports.
var demoPorts = []string{"443/tcp=HTTPS", "104/tcp=DICOM", "123/udp=NTP", "22/tcp=SSH (service)"}

// mds2Device is the demo release's form: generated (no filled MDS2 of a
// real device is public), with the answers a careful manufacturer gives to
// the questions the default profile weighs.
func mds2Device(manufacturer, name, model, version string, good bool) synth.Device {
	d := synth.Device{Manufacturer: manufacturer, Name: name, Model: model, Version: version,
		DocumentID: "MDS2-" + model + "-" + version, Date: "2026-06-01",
		Ports: []string{"443/tcp HTTPS", "104/tcp DICOM", "123/udp NTP"}, Answers: map[string]string{}}
	if good {
		for _, r := range mds2.DefaultProfile(mds2.LoadCatalogue()).Requirements {
			d.Answers[r.Question] = string(r.Accept[0])
		}
		// CONN-2 stays as generated: Yes, with the port list as its note.
		delete(d.Answers, "CONN-2")
		d.Answers["SBOM-1"] = "Yes, CycloneDX 1.4 on request"
		d.Answers["RDMP-3"] = "Yes, see support.acme.example/lifecycle"
		d.Answers["RDMP-4"] = "Yes"
		d.Answers["PAUT-8"] = "No, planned for 4.0"
		d.Answers["AUDT-5.2"] = "See Note, ATNA export through the gateway option"
	}
	return d
}

func writeForm(d synth.Device, seed uint64, layout int) ([]byte, error) {
	cat := mds2.LoadCatalogue()
	var buf bytes.Buffer
	if err := synth.Layouts()[layout].Write(&buf, cat, synth.Generate(cat, d, seed)); err != nil {
		return nil, fmt.Errorf("demo MDS2: %w", err)
	}
	return buf.Bytes(), nil
}

func loadMDS2(ctx context.Context, svc *app.App, mdm, hdo vigil.Scope) (*MDS2Step, error) {
	rel, err := svc.Catalog.ReleaseByVersion(ctx, mdm, SBOMProduct, SBOMRelease)
	if err != nil {
		return nil, err
	}
	step := &MDS2Step{Release: SBOMProduct + " " + SBOMRelease}
	own := mds2Device("Acme Medical Devices", SBOMProduct, "IP-3000", SBOMRelease, true)
	data, err := writeForm(own, 30, 0)
	if err != nil {
		return nil, err
	}
	if step.Import, err = svc.Forms.ImportMDS2(ctx, mdm, forms.MDS2ImportInput{ReleaseID: rel.ID, Filename: "acme-ip-3000-3.0-mds2.xlsx", Data: bytes.NewReader(data)}); err != nil {
		return nil, fmt.Errorf("demo MDS2: %w", err)
	}
	var ports []vigil.ReleasePort
	for _, s := range demoPorts {
		p, err := vigil.ParseReleasePort(s)
		if err != nil {
			return nil, err
		}
		ports = append(ports, p)
	}
	if _, err := svc.Forms.SetReleasePorts(ctx, mdm, rel.ID, ports); err != nil {
		return nil, fmt.Errorf("demo ports: %w", err)
	}
	if step.Check, err = svc.Forms.CheckMDS2(ctx, mdm, rel.ID); err != nil {
		return nil, err
	}
	// The hospital received three forms, each in its maker's layout: the
	// same Acme answers in a variant with extra columns, and two
	// competitors with answers generated from other seeds.
	candidates := []struct {
		name   string
		device synth.Device
		seed   uint64
		layout int
		file   string
	}{
		{"Acme IP-3000 3.0", own, 30, 1, "acme-mds2.xlsx"},
		{"Globex Flow 7", mds2Device("Globex Medical", "Flow", "FLOW-7", "7.2", false), 71, 2, "globex-flow7.xlsx"},
		{"Initech InfuSafe 2", mds2Device("Initech Health", "InfuSafe", "IS-2", "2.0", false), 12, 3, "infusafe-mds2.csv"},
	}
	var refs []forms.MDS2Ref
	for _, c := range candidates {
		data, err := writeForm(c.device, c.seed, c.layout)
		if err != nil {
			return nil, err
		}
		imp, err := svc.Forms.ImportMDS2(ctx, hdo, forms.MDS2ImportInput{Candidate: c.name, Filename: c.file, Data: bytes.NewReader(data)})
		if err != nil {
			return nil, fmt.Errorf("demo candidate %s: %w", c.name, err)
		}
		step.Candidate = append(step.Candidate, imp)
		refs = append(refs, forms.MDS2Ref{Candidate: c.name})
	}
	if step.Report, err = svc.Forms.EvaluateMDS2(ctx, hdo, refs, nil); err != nil {
		return nil, err
	}
	return step, nil
}
