package csaf

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/gopenpgp/v2/crypto"

	"github.com/vigil/vigil/internal/realdata"
)

func TestSignatures(t *testing.T) {
	// The CISA public key is not in the test data: sign with a key made
	// here, and check that CISA's real signatures do not verify with it.
	key, err := crypto.GenerateKey("vigil test", "test@example.org", "x25519", 0)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := crypto.NewKeyRing(key)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := key.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(dir(t), "cisa-icsma/icsma-24-163-01.json"))
	sig, err := ring.SignDetached(crypto.NewPlainMessage(data))
	if err != nil {
		t.Fatal(err)
	}
	armored, _ := sig.GetArmored()
	path := filepath.Join(tmp, "icsma-24-163-01.json")
	os.WriteFile(path, data, 0o600)
	os.WriteFile(path+".asc", []byte(armored), 0o600)
	if err := v.Verify(path); err != nil {
		t.Errorf("good signature: %v", err)
	}
	os.WriteFile(path, append(data, ' '), 0o600)
	if err := v.Verify(path); !errors.Is(err, ErrVerify) {
		t.Errorf("changed file: %v", err)
	}
	if err := v.Verify(filepath.Join(dir(t), "cisa-icsma/icsma-24-163-01.json")); !errors.Is(err, ErrVerify) {
		t.Errorf("CISA signature with a foreign key: %v", err)
	}
	v.RequireSignature = true
	if err := v.Verify(filepath.Join(dir(t), "redhat/rhsa-2024_6220.json")); !errors.Is(err, ErrVerify) {
		t.Errorf("missing signature: %v", err)
	}
}

func dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "csaf")
}
