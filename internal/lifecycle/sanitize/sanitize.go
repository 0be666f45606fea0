// Package sanitize holds the rules of NIST SP 800-88 media sanitization
// records, the rule of when a retired asset may be decommissioned (what it
// waits for: Decommissionable, StateOf), and renders the certificate of
// sanitization that closes a device's decommissioning. It takes values and
// returns values; no I/O beyond the writer it renders to.
//
// The rules follow NIST SP 800-88 Rev. 1 ("Guidelines for Media
// Sanitization", 2014), whose categories Clear, Purge and Destroy Rev. 2
// (2025) keeps: which techniques belong to which category, which media a
// technique can sanitize at all, and what a record must say to count as
// complete. The certificate carries the fields of Rev. 1 Appendix G.
package sanitize

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigil/vigil"
)

// techniques are the techniques that carry out each method.
var techniques = map[vigil.SanitizationMethod][]vigil.SanitizationTechnique{
	vigil.SanitizeClear: {vigil.TechniqueOverwrite, vigil.TechniqueFactoryReset, vigil.TechniqueOther},
	vigil.SanitizePurge: {vigil.TechniqueOverwrite, vigil.TechniqueBlockErase, vigil.TechniqueCryptographicErase,
		vigil.TechniqueDegauss, vigil.TechniqueOther},
	vigil.SanitizeDestroy: {vigil.TechniqueShred, vigil.TechniqueDisintegrate, vigil.TechniquePulverize,
		vigil.TechniqueIncinerate, vigil.TechniqueMelt, vigil.TechniqueOther},
}

// Techniques returns the techniques that carry out method m.
func Techniques(m vigil.SanitizationMethod) []vigil.SanitizationTechnique {
	return slices.Clone(techniques[m])
}

func isFlash(t vigil.MediaType) bool {
	return t == vigil.MediaSSD || t == vigil.MediaFlash || t == vigil.MediaMobileDevice || t == vigil.MediaEmbedded
}

// Check applies the rules to a record on day today. It returns the
// problems that make the record unacceptable, all at once (a
// *vigil.ValidationError), and warnings: facts a reviewer should see that
// do not by themselves make the record wrong. A record that passes Check
// and whose verification passed is complete (Complete).
func Check(s *vigil.Sanitization, today vigil.Date) (warnings []string, err error) {
	var v vigil.ValidationError
	if !s.MediaType.Valid() {
		v.Add("media_type", "must be one of %v", vigil.MediaTypes)
	}
	text(&v, "media_manufacturer", s.MediaManufacturer, false, 200)
	text(&v, "media_model", s.MediaModel, false, 200)
	text(&v, "media_serial", s.MediaSerial, false, 200)
	if !s.Method.Valid() {
		v.Add("method", "must be one of %v", vigil.SanitizationMethods)
	}
	if !s.Technique.Valid() {
		v.Add("technique", "must be one of %v", vigil.SanitizationTechniques)
	}
	if s.Method.Valid() && s.Technique.Valid() && !slices.Contains(techniques[s.Method], s.Technique) {
		v.Add("technique", "%s is not a %s technique: %s uses %v", s.Technique, s.Method, s.Method, techniques[s.Method])
	}
	switch {
	case !s.MediaType.Valid() || !s.Technique.Valid():
	case s.Technique == vigil.TechniqueDegauss && s.MediaType != vigil.MediaHDD && s.MediaType != vigil.MediaMagneticTape:
		v.Add("technique", "degaussing sanitizes magnetic media only, not %s", s.MediaType)
	case (s.MediaType == vigil.MediaOptical || s.MediaType == vigil.MediaPaper) && s.Method.Valid() && s.Method != vigil.SanitizeDestroy:
		v.Add("method", "%s media cannot be cleared or purged, only destroyed", s.MediaType)
	case s.Technique == vigil.TechniqueFactoryReset && !isFlash(s.MediaType) && s.MediaType != vigil.MediaOther:
		v.Add("technique", "a factory reset clears a device's own memory (flash, mobile, embedded), not %s media", s.MediaType)
	case s.Technique == vigil.TechniqueCryptographicErase:
		warnings = append(warnings, "cryptographic erase sanitizes only if all data was encrypted from first use and every copy of the key is destroyed (SP 800-88 §2.6)")
	case s.Technique == vigil.TechniqueOverwrite && s.Method == vigil.SanitizePurge && isFlash(s.MediaType):
		warnings = append(warnings, "an overwrite reaches only the user-addressable blocks of flash media: it purges only through the drive's own sanitize command")
	}
	text(&v, "tool", s.Tool, true, 300)
	text(&v, "details", s.Details, false, 4000)
	if !s.VerificationMethod.Valid() {
		v.Add("verification_method", "must be one of %v", vigil.VerificationMethods)
	}
	if !s.VerificationResult.Valid() {
		v.Add("verification_result", "must be one of %v", vigil.VerificationResults)
	}
	text(&v, "verification_notes", s.VerificationNotes, false, 4000)
	if s.Method == vigil.SanitizeDestroy && s.VerificationMethod != "" && s.VerificationMethod != vigil.VerifyInspection {
		warnings = append(warnings, "destroyed media are verified by inspecting what is left (particle size, no intact platters or chips)")
	}
	if s.Method == vigil.SanitizePurge && s.VerificationMethod == vigil.VerifyToolReport {
		warnings = append(warnings, "a tool's own report is weak evidence for a purge: read back at least a representative sample")
	}
	person(&v, "performed_by", s.PerformedBy)
	person(&v, "verified_by", s.VerifiedBy)
	if n := strings.TrimSpace(s.PerformedBy.Name); n != "" && strings.EqualFold(n, strings.TrimSpace(s.VerifiedBy.Name)) {
		warnings = append(warnings, "verified by the person who performed it: an independent verifier gives stronger evidence")
	}
	switch {
	case s.PerformedOn.IsZero():
		v.Add("performed_on", "is required")
	case s.PerformedOn.After(today):
		v.Add("performed_on", "%s is in the future", s.PerformedOn)
	}
	if !s.VerifiedOn.IsZero() {
		if s.VerifiedOn.After(today) {
			v.Add("verified_on", "%s is in the future", s.VerifiedOn)
		}
		if !s.PerformedOn.IsZero() && s.VerifiedOn.Before(s.PerformedOn) {
			v.Add("verified_on", "is before performed_on")
		}
	}
	text(&v, "location", s.Location, false, 300)
	if !s.Destination.Valid() {
		v.Add("destination", "must be one of %v", vigil.MediaDestinations)
	}
	if s.Method == vigil.SanitizeDestroy && (s.Destination == vigil.DestinationInternalReuse || s.Destination == vigil.DestinationExternalReuse) {
		v.Add("destination", "destroyed media cannot be reused")
	}
	text(&v, "notes", s.Notes, false, 8000)
	if s.VerificationResult == vigil.VerificationFailed {
		warnings = append(warnings, "verification failed: the medium is not sanitized; sanitize it again or destroy it")
	}
	return warnings, v.Err()
}

// Complete reports whether the record passes Check and its verification
// passed: the data on the medium is gone, as far as the record shows.
func Complete(s *vigil.Sanitization, today vigil.Date) bool {
	_, err := Check(s, today)
	return err == nil && s.Completed()
}

func person(v *vigil.ValidationError, field string, p vigil.Person) {
	text(v, field+".name", p.Name, true, 200)
	text(v, field+".title", p.Title, false, 200)
	text(v, field+".organization", p.Organization, false, 200)
}

// text checks a free-text field the way the root package does: required,
// valid UTF-8, a length, no control characters but tab and newline.
func text(v *vigil.ValidationError, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case len([]rune(s)) > max:
		v.Add(field, "is longer than %d characters", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		v.Add(field, "contains a control character")
	}
}

// Label names a method and technique for people: "purge (cryptographic
// erase)".
func Label(s *vigil.Sanitization) string {
	return fmt.Sprintf("%s (%s)", s.Method, strings.ReplaceAll(string(s.Technique), "_", " "))
}
