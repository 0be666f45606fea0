package csaf

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/gopenpgp/v2/crypto"

	"github.com/vigil/vigil/internal/ingest"
)

// Verifier checks a CSAF file against the files the CSAF distribution
// rules put beside it: FILE.sha256 and FILE.sha512 ("HEX" or
// "HEX  FILENAME"), and the detached OpenPGP signature FILE.asc. Use its
// Verify as feed.Options.Verify; a signature left unchecked is an
// ingest.Notice.
type Verifier struct {
	// Keys verify signatures; nil leaves .asc files unchecked.
	Keys *crypto.KeyRing
	// RequireSignature refuses a file without a .asc (needs Keys).
	RequireSignature bool
	// RequireChecksum refuses a file with neither .sha256 nor .sha512.
	RequireChecksum bool
	// At is the time at which the signing key must be valid; zero means
	// now. Archives of old advisories signed with since-expired keys need
	// the signing time instead.
	At time.Time
}

// ErrVerify is wrapped by every checksum or signature failure.
var ErrVerify = errors.New("verification failed")

// maxSidecar bounds a checksum or signature file.
const maxSidecar = 64 << 10

// NewVerifier returns a Verifier trusting the given armored public keys
// (the publisher's keys from its provider-metadata.json).
func NewVerifier(armoredKeys ...string) (*Verifier, error) {
	v := &Verifier{}
	for i, a := range armoredKeys {
		k, err := crypto.NewKeyFromArmored(a)
		if err != nil {
			return nil, fmt.Errorf("openpgp key %d: %w", i, err)
		}
		if v.Keys == nil {
			if v.Keys, err = crypto.NewKeyRing(k); err != nil {
				return nil, fmt.Errorf("openpgp key %d: %w", i, err)
			}
		} else if err := v.Keys.AddKey(k); err != nil {
			return nil, fmt.Errorf("openpgp key %d: %w", i, err)
		}
	}
	return v, nil
}

// Verify checks the file at path against the checksum and signature files
// beside it.
func (v *Verifier) Verify(path string) error {
	sums := 0
	for _, c := range []struct {
		ext string
		h   func() hash.Hash
	}{{".sha256", sha256.New}, {".sha512", sha512.New}} {
		want, err := readSidecar(path + c.ext)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		sums++
		fields := strings.Fields(string(want))
		if len(fields) == 0 {
			return fmt.Errorf("%s%s is empty: %w", path, c.ext, ErrVerify)
		}
		h := c.h()
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("hash %s: %w", path, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, fields[0]) {
			return fmt.Errorf("%s: %s is %s, %s%s says %s: %w", path, strings.TrimPrefix(c.ext, "."), got, path, c.ext, fields[0], ErrVerify)
		}
	}
	if sums == 0 && v.RequireChecksum {
		return fmt.Errorf("%s: no .sha256 or .sha512 beside it: %w", path, ErrVerify)
	}
	if v.Keys == nil {
		// A signature nobody checks must not pass for a checked one.
		if _, err := os.Stat(path + ".asc"); err == nil {
			return &ingest.Notice{Msg: "a .asc signature is beside it, but no --csaf-key was given: the signature was not checked"}
		}
		return nil
	}
	sig, err := readSidecar(path + ".asc")
	if errors.Is(err, fs.ErrNotExist) {
		if v.RequireSignature {
			return fmt.Errorf("%s: no .asc signature beside it: %w", path, ErrVerify)
		}
		return nil
	}
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return v.VerifySignature(data, sig)
}

// VerifySignature checks an armored detached signature of data.
func (v *Verifier) VerifySignature(data, armoredSig []byte) error {
	if v.Keys == nil {
		return fmt.Errorf("no openpgp keys to verify with: %w", ErrVerify)
	}
	sig, err := crypto.NewPGPSignatureFromArmored(string(bytes.TrimSpace(armoredSig)))
	if err != nil {
		return fmt.Errorf("openpgp signature: %v: %w", err, ErrVerify)
	}
	at := crypto.GetUnixTime()
	if !v.At.IsZero() {
		at = v.At.Unix()
	}
	if err := v.Keys.VerifyDetached(crypto.NewPlainMessage(data), sig, at); err != nil {
		return fmt.Errorf("openpgp signature: %v: %w", err, ErrVerify)
	}
	return nil
}

func readSidecar(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSidecar+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSidecar {
		return nil, fmt.Errorf("%s is larger than %d bytes: %w", path, maxSidecar, ErrVerify)
	}
	return b, nil
}
