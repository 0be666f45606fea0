package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/lifecycle"
	"github.com/vigil/vigil/internal/lifecycle/sanitize"
)

// LifecycleStep is the lifecycle part of the demo: the Patient Monitor
// 5.4, past its end of support, with its end-of-support notice and the
// transfer of responsibility; the support roll-up of the Infusion Pump
// 3.0's components; and at the hospital, the horizon, the notice as it
// arrives, and one of its two PM-12 5.4 decommissioned with its certificate.
type LifecycleStep struct {
	Release  string                   `json:"release"`
	Notice   *vigil.Notice            `json:"notice"`
	Transfer *vigil.Transfer          `json:"transfer"`
	Moves    []catalog.PhaseMove      `json:"phase_moves"`
	Support  *lifecycle.SupportRollup `json:"support"`
	Horizon  string                   `json:"horizon"`
	// Received is how many notices reached the hospital.
	Received     int                   `json:"received_notices"`
	Decommission *vigil.Decommission   `json:"decommission"`
	Certificate  *sanitize.Certificate `json:"certificate"`
}

// The demo's release past end of support and the hospital asset that runs
// it and is decommissioned (a row of the demo CMMS export); EOSAssetKept
// runs it too and stays in service.
const (
	EOSProduct   = "Patient Monitor"
	EOSRelease   = "5.4"
	EOSAsset     = "BME-100251"
	EOSAssetKept = "BME-100253"
)

func loadLifecycle(ctx context.Context, svc *app.App, mdm, hdo vigil.Scope) (*LifecycleStep, error) {
	step := &LifecycleStep{Release: EOSProduct + " " + EOSRelease}
	rel, err := svc.Catalog.ReleaseByVersion(ctx, mdm, EOSProduct, EOSRelease)
	if err != nil {
		return nil, err
	}
	succ, err := svc.Catalog.ReleaseByVersion(ctx, mdm, EOSProduct, "6.0")
	if err != nil {
		return nil, err
	}
	ns, err := svc.Support.Notices(ctx, mdm, &rel.ID)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		rec, err := svc.Support.RecordNotice(ctx, mdm, rel.ID, vigil.NoticeInput{
			Kind: vigil.NoticeEndOfSupport, Title: "End of support of the PM-12 patient monitor software 5.4",
			IssuedOn: date(2024, 1, 15), EndOfSupportOn: date(2024, 12, 31),
			RemainsSupported: "Until 2024-12-31: security patches for critical vulnerabilities and technical support. " +
				"After it: no patches, no security advisories; spare parts while stocks last.",
			CompensatingControls: []string{
				"Keep the monitors on a dedicated clinical VLAN with no route to the internet",
				"Allow only the central station (HL7 port 2575) to reach them; block telnet and the service port",
				"Disable the USB service port in the device settings",
			},
			SuccessorReleaseID: succ.ID, URL: "https://acme-medical.example/security/notices/pm-12-5.4-eos",
		})
		if err != nil {
			return nil, fmt.Errorf("demo notice: %w", err)
		}
		ns = []*vigil.Notice{rec.Notice}
	}
	step.Notice = ns[0]
	ts, err := svc.Support.Transfers(ctx, mdm, &rel.ID)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		t, err := svc.Support.RecordTransfer(ctx, mdm, rel.ID, vigil.TransferInput{
			ResidualRisks: []vigil.ResidualRisk{
				{Description: "wolfSSL 4.8.1 and FreeRTOS 10.0.1 will get no further fixes", Harm: vigil.HarmSerious,
					Mitigation: "network segmentation; no internet route"},
				{Description: "Telnet service enabled for field service", Harm: vigil.HarmCritical, Mitigation: "block TCP 23 at the VLAN"},
			},
			CompensatingControls: []string{"Dedicated clinical VLAN 431", "Telnet and the service port blocked at the firewall"},
			Documents: []vigil.DocumentLink{
				{Title: "Final SBOM (CycloneDX)", URL: "https://acme-medical.example/pm-12/5.4/sbom.cdx.json"},
				{Title: "Final MDS2 form", URL: "https://acme-medical.example/pm-12/5.4/mds2.xlsx"},
				{Title: "Data sanitization instructions", URL: "https://acme-medical.example/pm-12/5.4/sanitization.pdf"},
			},
			SanitizationGuidance: "Erase the internal eMMC with the PM-12 service tool (MMC sanitize), then verify a sample of blocks.",
			Acceptance:           &vigil.TransferAcceptance{By: "Dana Chief", Role: "CISO", Org: "St. Elsewhere General Hospital", On: date(2025, 1, 6)},
		})
		if err != nil {
			return nil, fmt.Errorf("demo transfer: %w", err)
		}
		ts = []*vigil.Transfer{t}
	}
	step.Transfer = ts[0]
	if step.Moves, err = svc.Catalog.RefreshPhases(ctx, mdm); err != nil {
		return nil, err
	}
	pump, err := svc.Catalog.ReleaseByVersion(ctx, mdm, SBOMProduct, SBOMRelease)
	if err != nil {
		return nil, err
	}
	if step.Support, err = svc.Support.ReleaseSupport(ctx, mdm, pump.ID, 12, false); err != nil {
		return nil, err
	}
	if err := hospitalSide(ctx, svc, mdm, hdo, step); err != nil {
		return nil, err
	}
	return step, nil
}

// hospitalSide decommissions one of the hospital's two PM-12 5.4 monitors
// (from the CMMS export) with its eMMC sanitized, then reads the horizon
// and the notices that reach the hospital: the other monitor still runs
// 5.4, past its end of support.
func hospitalSide(ctx context.Context, svc *app.App, mdm, hdo vigil.Scope, step *LifecycleStep) error {
	// The fleet step imported the asset from the CMMS export and shared
	// every product; without it, share the monitor and add the asset.
	if _, err := svc.Assets.Asset(ctx, hdo, EOSAsset); errors.Is(err, vigil.ErrNotFound) {
		if _, err := svc.Access.Share(ctx, mdm, access.ShareInput{Grantee: Hospital, Product: EOSProduct}); err != nil && !errors.Is(err, vigil.ErrConflict) {
			return fmt.Errorf("demo share: %w", err)
		}
		_, err = svc.Assets.CreateAsset(ctx, hdo, vigil.Asset{
			AssetTag: EOSAsset, Serial: "PM12-5-00012", Manufacturer: "Acme Medical Devices", Model: "PM-12", Version: "5.4",
			DeviceType: "Patient monitor", ClinicalFunction: "Patient monitoring", Criticality: vigil.CriticalityMonitoring, PHI: true,
			Site: "St. Elsewhere Main", Building: "East Pavilion", Unit: "Step-down 3E", IP: "10.40.31.51", MAC: "00:1B:2C:40:31:51",
			VLAN: "431", Zone: "Clinical-Monitoring", Owner: "Clinical Engineering", Status: vigil.AssetInService,
			PurchasedOn: date(2018, 1, 20), WarrantyUntil: date(2021, 1, 19),
		})
		if err != nil {
			return fmt.Errorf("demo asset: %w", err)
		}
	} else if err != nil {
		return err
	}
	if ds, err := svc.Support.Decommissions(ctx, hdo, EOSAsset); err != nil {
		return err
	} else if len(ds) == 0 {
		if _, err := svc.Support.RecordSanitization(ctx, hdo, EOSAsset, vigil.Sanitization{
			MediaType: vigil.MediaFlash, MediaManufacturer: "Kioxia", MediaModel: "THGBMJG6C1LBAIL (8 GB eMMC, on the main board)",
			MediaSerial: "0x2A4F9C11", Method: vigil.SanitizePurge, Technique: vigil.TechniqueBlockErase,
			Tool: "PM-12 Service Tool 5.2 (MMC sanitize, CMD6 SANITIZE_START)", Details: "Sanitize of the user area and its unmapped blocks; the tool reported completion.",
			VerificationMethod: vigil.VerifySampling, VerificationResult: vigil.VerificationPassed,
			VerificationNotes: "4,096 blocks read back through the service port: all erased (0xFF); no patient record found on boot",
			PerformedBy:       vigil.Person{Name: "Sam Ortiz", Title: "Biomedical Equipment Technician", Organization: "St. Elsewhere Clinical Engineering"},
			VerifiedBy:        vigil.Person{Name: "Priya Raman", Title: "IT Security Analyst", Organization: "St. Elsewhere IT Security"},
			PerformedOn:       date(2025, 3, 14), VerifiedOn: date(2025, 3, 14), Location: "Clinical Engineering workshop, East Pavilion B1",
			Destination: vigil.DestinationRecycling, BackupMade: new(true),
			Notes: "Trend data exported to the EHR before sanitization.",
		}); err != nil {
			return fmt.Errorf("demo sanitization: %w", err)
		}
		if _, err := svc.Support.DecommissionAsset(ctx, hdo, EOSAsset, vigil.DecommissionInput{On: date(2025, 3, 17),
			Reason: "Software 5.4 past end of support (2024-12-31); replaced by a PM-12 on 6.0"}); err != nil {
			return fmt.Errorf("demo decommission: %w", err)
		}
	}
	// The horizon and the notices are read after the decommissioning, so
	// that they say what `vigil lifecycle horizon` and `vigil lifecycle
	// notices` say, on the first run and on every rerun alike.
	h, err := svc.Support.Horizon(ctx, hdo, 24)
	if err != nil {
		return err
	}
	step.Horizon = h.Summary()
	recv, err := svc.Support.AssetNotices(ctx, hdo)
	if err != nil {
		return err
	}
	step.Received = len(recv)
	ds, err := svc.Support.Decommissions(ctx, hdo, EOSAsset)
	if err != nil {
		return err
	}
	if len(ds) > 0 {
		step.Decommission = ds[0]
	}
	step.Certificate, err = svc.Support.Certificate(ctx, hdo, EOSAsset)
	return err
}
